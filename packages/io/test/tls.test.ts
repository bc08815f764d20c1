import { connect as tlsConnect } from 'node:tls'
import { awaitPromise, type Operation, run, spawn } from '@curio/kernel'
import { beforeAll, describe, expect, it } from 'vitest'
import { type Address, openConnection, runServer, type Socket, tcpServerSocket } from '../src/index.js'
import { expectThrow, liveSocketHandles, nodeClient } from './helpers.js'
import { selfSignedCert } from './tls-cert.js'

let key: Buffer
let cert: Buffer
beforeAll(() => {
  ;({ key, cert } = selfSignedCert())
})

function* echo(client: Socket, _addr: Address): Operation<void> {
  const stream = client.asStream()
  for (;;) {
    const line = yield* stream.readline()
    if (line.length === 0) return
    yield* stream.write(line)
  }
}

/** A TLS echo server on a free port; returns the port and the server task. */
function* tlsEcho() {
  const sock = tcpServerSocket('127.0.0.1', 0)
  const [, port] = sock.getsockname() as [string, number]
  const server = yield* spawn(runServer(sock, echo, { ssl: { key, cert } }))
  return { port, server }
}

describe('TLS', () => {
  it('a TLS client and server talk through the same Socket and stream interface', async () => {
    await run(function* () {
      const { port, server } = yield* tlsEcho()
      using client = yield* openConnection('127.0.0.1', port, {
        ssl: { ca: cert },
        serverHostname: 'localhost',
      })
      yield* client.sendall(Buffer.from('hello\n'))
      expect((yield* client.recv(100)).toString()).toBe('hello\n')
      const stream = client.asStream()
      yield* stream.writelines([Buffer.from('one\n'), Buffer.from('two\n')])
      expect((yield* stream.readline()).toString()).toBe('one\n')
      expect((yield* stream.readline()).toString()).toBe('two\n')
      yield* server.cancel()
    })
    expect(await liveSocketHandles()).toEqual([])
  })

  it('a self-signed certificate is refused with Node code DEPTH_ZERO_SELF_SIGNED_CERT, and the server keeps serving', async () => {
    await run(function* () {
      const { port, server } = yield* tlsEcho()
      const error = yield* expectThrow(openConnection('127.0.0.1', port, { ssl: true }))
      expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT')
      using good = yield* openConnection('localhost', port, { ssl: { ca: cert } })
      yield* good.sendall(Buffer.from('still here\n'))
      expect((yield* good.recv(100)).toString()).toBe('still here\n')
      yield* server.cancel()
    })
  })

  it('a certificate for another name is refused with ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    await run(function* () {
      const { port, server } = yield* tlsEcho()
      const error = yield* expectThrow(
        openConnection('127.0.0.1', port, { ssl: { ca: cert }, serverHostname: 'example.com' }),
      )
      expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
      yield* server.cancel()
    })
  })

  it('a plain node:tls client talks to the curio TLS server', async () => {
    await run(function* () {
      const { port, server } = yield* tlsEcho()
      const reply = yield* awaitPromise(
        new Promise<string>((resolve, reject) => {
          const client = tlsConnect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' }, () => {
            client.end('from node\n')
          })
          let got = ''
          client.on('data', (d: Buffer) => {
            got += d.toString()
          })
          client.on('end', () => resolve(got))
          client.on('error', reject)
        }),
      )
      expect(reply).toBe('from node\n')
      yield* server.cancel()
    })
  })

  it('a client that does not speak TLS is dropped before any handler runs; no hang', async () => {
    await run(function* () {
      let handled = 0
      const sock = tcpServerSocket('127.0.0.1', 0)
      const [, port] = sock.getsockname() as [string, number]
      const server = yield* spawn(
        runServer(
          sock,
          function* () {
            handled++
          },
          { ssl: { key, cert } },
        ),
      )
      const plain = yield* awaitPromise(nodeClient(port))
      plain.write('GET / HTTP/1.0\r\n\r\n')
      yield* awaitPromise(new Promise((resolve) => plain.once('close', resolve)))
      expect(handled).toBe(0)
      yield* server.cancel()
    })
  })
})
