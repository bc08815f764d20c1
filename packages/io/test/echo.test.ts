import { once } from 'node:events'
import { awaitPromise, type Operation, run, spawn } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import {
  type Address,
  AF_INET,
  SO_REUSEADDR,
  SOCK_STREAM,
  SOL_SOCKET,
  type Socket,
  socket,
} from '../src/index.js'
import { liveSocketHandles, nodeClient, readBytes } from './helpers.js'

function* echoClient(client: Socket, _addr: Address): Operation<void> {
  using _ = client
  for (;;) {
    const data = yield* client.recv(100000)
    if (data.length === 0) break
    yield* client.sendall(data)
  }
}

describe('the BSD-style echo server', () => {
  it('echoes to plain node:net clients, and leaves no handle once run settles', async () => {
    let peerClosed!: Promise<unknown>
    const got = await run(function* () {
      const sock = socket(AF_INET, SOCK_STREAM)
      sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
      sock.bind(['127.0.0.1', 0])
      sock.listen(5)
      const [host, port] = sock.getsockname() as [string, number]
      expect(host).toBe('127.0.0.1')
      expect(port).toBeGreaterThan(0)
      const server = yield* spawn(function* () {
        for (;;) {
          const [client, addr] = yield* sock.accept()
          yield* spawn(echoClient(client, addr))
        }
      })
      const answer = yield* awaitPromise(
        (async () => {
          const c = await nodeClient(port)
          peerClosed = once(c, 'close')
          c.write('hello ')
          const first = await readBytes(c, 6)
          c.write('world')
          const second = await readBytes(c, 5)
          c.end()
          return Buffer.concat([first, second]).toString()
        })(),
      )
      yield* server.cancel()
      sock.close()
      return answer
    })
    expect(got).toBe('hello world')
    // The plain peer needs our FIN to close; curio's own sockets hold nothing once closed.
    await peerClosed
    expect(await liveSocketHandles()).toEqual([])
  })
})
