// What a connection makes only when needed (wait queues, the chunk array, the write callback),
// the listeners every connection shares, and the server's per-connection task object: each
// behaves as the eager versions did (issue 12, memory per connection).
import { PassThrough } from 'node:stream'
import { awaitPromise, run, spawn, TaskCancelled } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { type Address, AF_INET, NodeStream, SOCK_STREAM, type Socket, socket } from '../src/index.js'
import { ServedConnection, type Server } from '../src/internal/served-connection.js'
import { expectThrow, pair, readAll, turn } from './helpers.js'

describe('a lean connection', () => {
  it('closed while idle (never read nor written): the peer reads end of stream, later calls throw EBADF', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      const ended = readAll(peer)
      conn.close()
      expect((yield* awaitPromise(ended)).length).toBe(0)
      expect((yield* expectThrow(conn.recv(10))).code).toBe('EBADF')
      expect((yield* expectThrow(conn.sendall(Buffer.from('x')))).code).toBe('EBADF')
      server.close()
    })
  })

  it('bytes that arrive in several chunks before a read are taken whole and in order', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      const stream = conn.asStream()
      for (const part of ['ab', 'cd', 'ef\ngh']) {
        peer.write(part)
        const before = conn._conn!.buffered
        while (conn._conn!.buffered === before) yield* turn()
      }
      expect((yield* stream.readExactly(3)).toString()).toBe('abc')
      expect((yield* stream.readline()).toString()).toBe('def\n')
      peer.end('i\n')
      expect((yield* stream.readline()).toString()).toBe('ghi\n')
      expect((yield* conn.recv(10)).length).toBe(0)
      server.close()
      conn.close()
    })
  })

  it('a sendall cancelled under backpressure loses nothing, and the next sendall waits its turn', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      peer.pause()
      const big = Buffer.alloc(32 * 1024 * 1024, 1)
      const writer = yield* spawn(conn.sendall(big))
      while (writer.state !== 'WRITE_WAIT') yield* turn()
      yield* writer.cancel()
      let received = 0
      peer.on('data', (chunk: Buffer) => {
        received += chunk.length
      })
      peer.resume()
      yield* conn.sendall(Buffer.from('end'))
      while (received < big.length + 3) yield* turn()
      expect(received).toBe(big.length + 3)
      peer.destroy()
      conn.close()
      server.close()
    })
  })

  it('two streams over one Node stream each get its events', async () => {
    const node = new PassThrough()
    await run(function* () {
      using a = new NodeStream(node)
      using b = new NodeStream(node)
      node.end('hi')
      expect((yield* a.read()).toString()).toBe('hi')
      expect((yield* b.read()).toString()).toBe('hi')
    })
  })
})

describe("a server connection's task (ServedConnection)", () => {
  function served(handler: Server['handler']): [ServedConnection, Socket, Server, unknown[]] {
    const reported: unknown[] = []
    const server: Server = { handler, onError: (error) => reported.push(error), live: new Set() }
    const client = socket(AF_INET, SOCK_STREAM)
    const op = new ServedConnection(server, client)
    server.live.add(op)
    return [op, client, server, reported]
  }

  it('cancelled before its first step, it still closes its connection and leaves the server', () => {
    let called = false
    const [op, client, server] = served(function* () {
      called = true
    })
    expect(() => op.throw(new TaskCancelled())).toThrow(TaskCancelled)
    expect(called).toBe(false)
    expect(client.toString()).toContain('closed')
    expect(server.live.size).toBe(0)
  })

  it('a handler that is not an operation is reported as a crash, and its connection closed', () => {
    const [op, client, server, reported] = served((() => undefined) as unknown as Server['handler'])
    expect(op.next()).toEqual({ done: true, value: undefined })
    expect(reported).toHaveLength(1)
    expect(reported[0]).toBeInstanceOf(TypeError)
    expect(client.toString()).toContain('closed')
    expect(server.live.size).toBe(0)
  })

  it('hands the handler its client and address, and passes exceptions down to it', () => {
    const seen: unknown[] = []
    const [op, client, , reported] = served(function* (c: Socket, addr: Address) {
      seen.push(c, addr)
      try {
        yield* turn()
      } catch (error) {
        seen.push(error)
        throw new Error('handler failed')
      }
    })
    const first = op.next()
    expect(first.done).toBe(false)
    // The address is the client's peer address, read when the handler starts ('' unconnected).
    expect(seen).toEqual([client, ''])
    const boom = new Error('boom')
    expect(op.throw(boom)).toEqual({ done: true, value: undefined })
    expect(seen[2]).toBe(boom)
    expect((reported[0] as Error).message).toBe('handler failed')
    expect(client.toString()).toContain('closed')
    // Done: it stays done.
    expect(op.next()).toEqual({ done: true, value: undefined })
  })
})
