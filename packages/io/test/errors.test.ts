// OS errors surface as Node's errors with `code`: never a hang, never a silent drop.
import { createHash } from 'node:crypto'
import { createServer } from 'node:net'
import { run, spawn } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { openConnection, type Socket } from '../src/index.js'
import { closeServer, expectThrow, nodeServer, turn } from './helpers.js'

/** A port with nothing listening on it. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe('connection errors', () => {
  it('a refused connection throws ECONNREFUSED', async () => {
    const port = await freePort()
    const error = await run(expectThrow(openConnection('127.0.0.1', port)))
    expect(error).toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('a peer reset is thrown as ECONNRESET once the buffered bytes are used up', async () => {
    const server = await nodeServer((s) => {
      s.write('abc')
      s.once('data', () => s.resetAndDestroy())
    })
    await run(function* () {
      using sock = yield* openConnection('127.0.0.1', server.port)
      expect((yield* sock.recv(1)).toString()).toBe('a')
      yield* sock.sendall(Buffer.from('go')) // the peer resets when it reads this
      expect((yield* sock.recv(1)).toString()).toBe('b')
      expect((yield* sock.recv(10)).toString()).toBe('c')
      expect(yield* expectThrow(sock.recv(10))).toMatchObject({ code: 'ECONNRESET' })
      expect(yield* expectThrow(sock.recv(10))).toMatchObject({ code: 'ECONNRESET' })
    })
    await closeServer(server)
  })

  it('writing after the peer closed throws EPIPE or ECONNRESET, never hangs', async () => {
    const server = await nodeServer((s) => s.destroy())
    await run(function* () {
      using sock = yield* openConnection('127.0.0.1', server.port)
      expect((yield* sock.recv(10)).length).toBe(0) // the peer's FIN
      const chunk = Buffer.alloc(64 * 1024)
      let error: any
      for (let i = 0; i < 1000 && error === undefined; i++) {
        try {
          yield* sock.sendall(chunk)
          yield* turn()
        } catch (e) {
          error = e
        }
      }
      expect(['EPIPE', 'ECONNRESET']).toContain(error?.code)
    })
    await closeServer(server)
  })

  it('a peer reset while sendall waits for a slow reader ends the sendall with the error', async () => {
    let reset = () => {}
    const server = await nodeServer((s) => {
      s.pause()
      reset = () => s.resetAndDestroy()
    })
    await run(function* () {
      using sock: Socket = yield* openConnection('127.0.0.1', server.port)
      const writer = yield* spawn(() => expectThrow(sock.sendall(Buffer.alloc(32 * 1024 * 1024))))
      while (writer.state !== 'WRITE_WAIT') yield* turn()
      reset()
      expect(['EPIPE', 'ECONNRESET']).toContain((yield* writer.join()).code)
    })
    await closeServer(server)
  })

  it('sendall hands over the bytes intact (hash check, 8 MiB)', async () => {
    let received!: Promise<string>
    const server = await nodeServer((s) => {
      const hash = createHash('sha256')
      received = new Promise((resolve) => {
        s.on('data', (c) => hash.update(c))
        s.on('end', () => resolve(hash.digest('hex')))
      })
    })
    const data = Buffer.alloc(8 * 1024 * 1024)
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff
    await run(function* () {
      using sock = yield* openConnection('127.0.0.1', server.port)
      yield* sock.sendall(data)
    })
    expect(await received).toBe(createHash('sha256').update(data).digest('hex'))
    await closeServer(server)
  })
})
