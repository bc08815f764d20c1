// The hot path of socket and stream calls: what finishes at once never visits the kernel's
// scheduler, accepted sockets read below Node's stream machinery, and nothing of either changes
// what a program sees (bytes, end of stream, errors, cancellation).
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  awaitPromise,
  currentTask,
  ignoreAfter,
  type Operation,
  run,
  spawn,
  TaskCancelled,
  TaskError,
} from '@curio/kernel'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AF_UNIX,
  openConnection,
  openUnixConnection,
  SOCK_STREAM,
  type Socket,
  socket,
  tcpServerSocket,
} from '../src/index.js'
import { expectThrow, pair, readBytes } from './helpers.js'
import { selfSignedCert } from './tls-cert.js'

/** Wait until `n` bytes from the peer are buffered, without taking any. */
function* buffered(conn: Socket, n: number): Operation<void> {
  while (conn._conn!.buffered < n) yield* awaitPromise(new Promise((resolve) => setImmediate(resolve)))
}

describe('operations that finish at once', () => {
  it('a recv that finds bytes buffered returns them without suspending, and is no cancellation point', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      peer.write('abc')
      yield* buffered(conn, 3)
      const task = yield* currentTask()
      const cycles = task.cycles
      expect((yield* conn.recv(2)).toString()).toBe('ab')
      expect((yield* conn.asStream().read(10)).toString()).toBe('c')
      expect(task.cycles).toBe(cycles)
      // A pending cancellation waits for the next blocking call: buffered bytes are no such call.
      peer.write('de')
      yield* buffered(conn, 2)
      yield* task.cancel({ blocking: false })
      expect((yield* conn.recv(10)).toString()).toBe('de')
      expect(yield* expectThrow(conn.recv(10))).toBeInstanceOf(TaskCancelled)
      peer.destroy()
      conn.close()
      server.close()
    })
  })

  it('a sendall or write that Node takes at once returns without suspending', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      const arrived = readBytes(peer, 6)
      const task = yield* currentTask()
      const cycles = task.cycles
      yield* conn.sendall(Buffer.from('abc'))
      expect(yield* conn.send(Buffer.from('d'))).toBe(1)
      yield* conn.asStream().write('ef')
      expect(task.cycles).toBe(cycles)
      expect((yield* awaitPromise(arrived)).toString()).toBe('abcdef')
      peer.destroy()
      conn.close()
      server.close()
    })
  })

  it('an operation does nothing until it runs, and runs once', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      const unsent = conn.sendall(Buffer.from('never'))
      conn.recv(0) // not run: no TypeError yet
      expect(yield* expectThrow(conn.recv(0))).toBeInstanceOf(TypeError)
      const arrived = readBytes(peer, 2)
      const op = conn.sendall(Buffer.from('ok'))
      yield* op
      expect(yield* expectThrow(op)).toBeInstanceOf(TypeError)
      expect((yield* awaitPromise(arrived)).toString()).toBe('ok')
      expect(unsent.next).toBeTypeOf('function')
      peer.destroy()
      conn.close()
      server.close()
    })
  })

  it('after close, every fast call throws EBADF, buffered bytes or not', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      peer.write('abc')
      yield* buffered(conn, 3)
      const stream = conn.asStream()
      conn.close()
      for (const op of [conn.recv(1), conn.sendall(Buffer.from('x')), stream.read(1), stream.write('x')]) {
        expect((yield* expectThrow(op)).code).toBe('EBADF')
      }
      peer.destroy()
      server.close()
    })
  })
})

describe('accepted sockets read below the stream machinery', () => {
  it('an accepted TCP socket has no data listener, and 4 MiB arrive intact through pauses', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      expect(conn._conn!.sock.listenerCount('data')).toBe(0)
      const sent = randomBytes(4 * 1024 * 1024)
      peer.end(sent)
      // Nobody reads at first: the connection pauses reading at its high-water mark.
      yield* awaitPromise(new Promise((resolve) => setTimeout(resolve, 50)))
      const got: Buffer[] = []
      for (let data = yield* conn.recv(100000); data.length > 0; data = yield* conn.recv(100000))
        got.push(data)
      expect(Buffer.concat(got).equals(sent)).toBe(true)
      expect((yield* conn.recv(10)).length).toBe(0)
      conn.close()
      server.close()
    })
  })

  it('so does an accepted Unix socket; a TLS one keeps its data events', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'curio-fast-')), 'echo.sock')
    await run(function* () {
      const server = socket(AF_UNIX, SOCK_STREAM)
      server.bind(path)
      server.listen()
      const client = yield* spawn(openUnixConnection(path))
      const [conn] = yield* server.accept()
      using peer = yield* client.join()
      expect(conn._conn!.sock.listenerCount('data')).toBe(0)
      yield* peer.sendall(Buffer.from('over unix'))
      expect((yield* conn.asStream().readExactly(9)).toString()).toBe('over unix')
      conn.close()
      server.close()
    })
    const ssl = selfSignedCert()
    await run(function* () {
      const server = tcpServerSocket('127.0.0.1', 0)
      server._secure(ssl)
      const port = (server.getsockname() as [string, number])[1]
      const client = yield* spawn(openConnection('127.0.0.1', port, { ssl: { rejectUnauthorized: false } }))
      const [conn] = yield* server.accept()
      using peer = yield* client.join()
      expect(conn._conn!.sock.listenerCount('data')).toBe(1)
      yield* peer.sendall(Buffer.from('over tls'))
      expect((yield* conn.asStream().readExactly(8)).toString()).toBe('over tls')
      conn.close()
      server.close()
    })
  })

  it('bytes read before a reset come first, then ECONNRESET', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      peer.write('abc')
      yield* buffered(conn, 3)
      peer.resetAndDestroy()
      while (conn._conn!.error === undefined) {
        yield* awaitPromise(new Promise((resolve) => setImmediate(resolve)))
      }
      expect((yield* conn.recv(10)).toString()).toBe('abc')
      expect((yield* expectThrow(conn.recv(10))).code).toBe('ECONNRESET')
      conn.close()
      server.close()
    })
  })
})

describe('property: recv, read and readline with timeouts and cancellations lose no byte', () => {
  it('any chunking, any read sizes, any timeouts: the reader gets exactly the bytes sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 12 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 5000 }),
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 0, max: 2 }),
          ),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        async (chunks, reads) => {
          const sent = randomBytes(chunks.reduce((a, b) => a + b, 0))
          const got = await run(function* () {
            const [conn, peer, server] = yield* pair()
            const stream = conn.asStream()
            // The peer sends its chunks a turn of the event loop apart, then ends.
            let at = 0
            const writer = (async () => {
              for (const n of chunks) {
                peer.write(sent.subarray(at, at + n))
                at += n
                await new Promise((resolve) => setImmediate(resolve))
              }
              peer.end()
            })()
            const out: Buffer[] = []
            for (let i = 0; ; i++) {
              const [max, ms, call] = reads[i % reads.length]!
              const op = call === 0 ? conn.recv(max) : call === 1 ? stream.read(max) : stream.readline()
              let data: Buffer | undefined
              if (ms === 3) {
                // Cancelled while it waits; or woken with bytes before the cancel lands, then it
                // finishes with them (a cancelled task that does not block again ends normally).
                const reader = yield* spawn(op)
                yield* awaitPromise(new Promise((resolve) => setImmediate(resolve)))
                yield* reader.cancel()
                try {
                  data = yield* reader.join()
                } catch (error) {
                  if (error instanceof TaskError && error.cause instanceof TaskCancelled) continue
                  throw error
                }
              } else {
                data = yield* ignoreAfter(ms, op)
                if (data === undefined) continue
              }
              if (data.length === 0) break
              out.push(data)
            }
            yield* awaitPromise(writer)
            conn.close()
            server.close()
            peer.destroy()
            return Buffer.concat(out)
          })
          expect(got.equals(sent)).toBe(true)
        },
      ),
      { numRuns: 40 },
    )
  })
})
