// The TLS and UDP examples work against clients the library did not write, and each other.
import { connect as tlsConnect } from 'node:tls'
import { type Address, runServer, tcpServerSocket } from '@curio/io'
import { awaitPromise, run, schedule, spawn } from '@curio/kernel'
import { expect, it } from 'vitest'
import { selfSignedCert } from '../packages/io/test/tls-cert.js'
import { handler } from './ssl_echo.js'
import { udpClient } from './udp_client.js'
import { udpEcho } from './udp_echo.js'

it('ssl_echo.ts: a node:tls client gets its lines back over TLS', async () => {
  const { key, cert } = selfSignedCert()
  const reply = await run(function* () {
    const sock = tcpServerSocket('127.0.0.1', 0)
    const [, port] = sock.getsockname() as [string, number]
    const server = yield* spawn(runServer(sock, handler, { ssl: { key, cert } }))
    const got = yield* awaitPromise(
      new Promise<string>((resolve, reject) => {
        const client = tlsConnect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' }, () =>
          client.end('one\ntwo\n'),
        )
        let text = ''
        client.on('data', (d: Buffer) => {
          text += d.toString()
        })
        client.on('end', () => resolve(text))
        client.on('error', reject)
      }),
    )
    yield* server.cancel()
    return got
  })
  expect(reply).toBe('one\ntwo\n')
})

it('udp_echo.ts and udp_client.ts: every datagram comes back', async () => {
  const replies = await run(function* () {
    let ready: Address | undefined
    const server = yield* spawn(
      udpEcho(['127.0.0.1', 0], (addr) => {
        ready = addr
      }),
    )
    yield* schedule()
    const [, port] = ready as [string, number]
    const got = yield* udpClient('127.0.0.1', port, ['a', 'bc', 'def'])
    yield* server.cancel()
    return got
  })
  expect(replies).toEqual(['a', 'bc', 'def'])
})
