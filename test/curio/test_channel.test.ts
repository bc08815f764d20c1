// Curio's tests/test_channel.py, translated. Curio's `Connection` is ours over a socket's
// stream; its values go by pickle, ours by `v8.serialize` (`send`/`recv`). Real sockets on
// 127.0.0.1 and the real clock (socket waits hold a virtual one); Curio's sleeps of 1-2 s are
// 50-100 ms here, still long for a loopback round trip.
import { once } from 'node:events'
import { createServer, type Socket as NodeSocket, connect as netConnect } from 'node:net'
import {
  AuthenticationError,
  CancelledError,
  Channel,
  Connection,
  NodeStream,
  type Operation,
  run,
  sleep,
  spawn,
  TaskTimeout,
  timeoutAfter,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { raises, socketpair } from './support.js'

type Log = unknown[]

/** Curio's `conns` fixture: a connection over each end of a socket pair. */
function* conns(): Operation<[Connection, Connection]> {
  const [sock1, sock2] = yield* socketpair()
  const s1 = sock1.asStream()
  const s2 = sock2.asStream()
  return [new Connection(s1, s1), new Connection(s2, s2)]
}

/**
 * Curio's `chs` fixture: a channel bound on a free port of localhost, and a second one at its
 * address (Curio deep-copies the first; `bind()` has set its real address).
 */
function chs(): [Channel, Channel] {
  const ch1 = new Channel(['localhost', 0])
  ch1.bind()
  return [ch1, new Channel(ch1.address)]
}

/** `async with c:` — run `body`, then close the connection however it ends. */
function* withConn(c: Connection, body: () => Operation<void>): Operation<void> {
  try {
    yield* body()
  } finally {
    c.close()
  }
}

/** The hello exchange most of Curio's tests share: the server speaks first. */
function hello(results: Log, serverMsg: unknown, clientMsg: unknown) {
  return {
    *server(c: Connection): Operation<void> {
      yield* withConn(c, function* () {
        yield* c.send(serverMsg)
        results.push(yield* c.recv())
      })
    },
    *client(c: Connection): Operation<void> {
      yield* withConn(c, function* () {
        results.push(yield* c.recv())
        yield* c.send(clientMsg)
      })
    },
  }
}

/** Curio's `main(c1, c2)`: spawn the server and the client (the kernel run waits for both). */
function* both(server: Operation<void>, client: Operation<void>): Operation<void> {
  const t1 = yield* spawn(server)
  const t2 = yield* spawn(client)
  yield* t1.join()
  yield* t2.join()
}

/** Two connected Node sockets, made outside curio (the counterpart of `multiprocessing.Pipe()`). */
async function nodeSocketPair(): Promise<[NodeSocket, NodeSocket]> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const accepted = once(server, 'connection') as Promise<[NodeSocket]>
  const a = netConnect(port, '127.0.0.1')
  await once(a, 'connect')
  const [b] = await accepted
  server.close()
  return [a, b]
}

describe('test_channel.py', () => {
  it('test_channel.py::test_connection_hello', async () => {
    const results: Log = []
    await run(function* () {
      const [c1, c2] = yield* conns()
      const { server, client } = hello(results, 'server hello world', 'client hello world')
      yield* both(server(c1), client(c2))
    })
    expect(results).toEqual(['server hello world', 'client hello world'])
  })

  it('test_channel.py::test_connection_hello_bytes', async () => {
    const results: Log = []
    await run(function* () {
      const [c1, c2] = yield* conns()
      const { server, client } = hello(
        results,
        Buffer.from('server hello world'),
        Buffer.from('client hello world'),
      )
      yield* both(server(c1), client(c2))
    })
    expect(results).toEqual([Buffer.from('server hello world'), Buffer.from('client hello world')])
  })

  it('test_channel.py::test_connection_large', async () => {
    const results: Log = []
    const data = Array.from({ length: 1_000_000 }, (_, i) => i)
    await run(function* () {
      const [c1, c2] = yield* conns()
      function* server(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          yield* c.send(data)
          results.push(yield* c.recv())
        })
      }
      function* client(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          const msg = (yield* c.recv()) as number[]
          results.push(msg)
          yield* c.send(msg.length)
        })
      }
      yield* both(server(c1), client(c2))
    })
    // Element by element: vitest's deep equality takes a second over a million items.
    const [received, length] = results as [number[], number]
    expect([received.length, length]).toEqual([data.length, data.length])
    expect(received.every((value, i) => value === data[i])).toBe(true)
  })

  it('test_channel.py::test_connection_auth', async () => {
    const results: Log = []
    await run(function* () {
      const [c1, c2] = yield* conns()
      function* server(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          yield* c.authenticateServer(Buffer.from('peekaboo'))
          yield* c.send('server hello world')
          results.push(yield* c.recv())
        })
      }
      function* client(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          yield* c.authenticateClient(Buffer.from('peekaboo'))
          results.push(yield* c.recv())
          yield* c.send('client hello world')
        })
      }
      yield* both(server(c1), client(c2))
    })
    expect(results).toEqual(['server hello world', 'client hello world'])
  })

  it('test_channel.py::test_connection_auth_fail', async () => {
    const errors: Log = []
    await run(function* () {
      const [c1, c2] = yield* conns()
      function* server(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          errors.push(yield* raises(c.authenticateServer(Buffer.from('peekaboo'))))
        })
      }
      function* client(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          errors.push(yield* raises(c.authenticateClient(Buffer.from('what?'))))
        })
      }
      yield* both(server(c1), client(c2))
    })
    expect(errors).toHaveLength(2)
    for (const error of errors) expect(error).toBeInstanceOf(AuthenticationError)
  })

  it('test_channel.py::test_connection_send_partial_bytes', async () => {
    const results: Log = []
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz')
    await run(function* () {
      const [c1, c2] = yield* conns()
      function* server(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          yield* c.sendBytes(data, 5, 10)
          results.push(yield* c.recv())
          yield* c.sendBytes(data, 5)
          results.push(yield* c.recv())
          yield* c.sendBytes(data, 0, 10)
          results.push(yield* c.recv())
          // Bad inputs: Python's ValueError is our RangeError, with Python's messages.
          for (const [offset, size] of [[50], [0, 50], [-10], [0, -10]]) {
            const error = yield* raises(c.sendBytes(data, offset, size))
            expect(error).toBeInstanceOf(RangeError)
            results.push((error as Error).message)
          }
        })
      }
      function* client(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          for (let i = 0; i < 3; i++) {
            const msg = yield* c.recvBytes()
            results.push(Buffer.from(msg))
            yield* c.send(msg.length)
          }
        })
      }
      yield* both(server(c1), client(c2))
    })
    expect(results).toEqual([
      data.subarray(5, 15),
      10,
      data.subarray(5),
      data.subarray(5).length,
      data.subarray(0, 10),
      10,
      'buffer length < offset',
      'buffer length < offset + size',
      'offset is negative',
      'size is negative',
    ])
  })

  it('test_channel.py::test_connection_from_connection', async () => {
    // Curio wraps the two ends of `multiprocessing.Pipe()`, connections made outside curio;
    // here they are two Node sockets made by `node:net`, each wrapped by a `NodeStream`.
    const results: Log = []
    const [p1, p2] = await nodeSocketPair()
    await run(function* () {
      const s1 = new NodeStream(p1)
      const s2 = new NodeStream(p2)
      const { server, client } = hello(results, 'server hello world', 'client hello world')
      yield* both(server(new Connection(s1, s1)), client(new Connection(s2, s2)))
    })
    expect(results).toEqual(['server hello world', 'client hello world'])
  })

  it('test_channel.py::test_connection_recv_cancel', async () => {
    const results: Log = []
    await run(function* () {
      const [c1, c2] = yield* conns()
      function* client(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          try {
            results.push(yield* c.recv())
          } catch (error) {
            if (!(error instanceof CancelledError)) throw error
            results.push('cancel')
          }
        })
      }
      const task = yield* spawn(client(c2))
      yield* sleep(50)
      yield* task.cancel()
      results.push('done cancel')
      c1.close()
    })
    expect(results).toEqual(['cancel', 'done cancel'])
  })

  it('test_channel.py::test_connection_recv_timeout', async () => {
    const results: Log = []
    await run(function* () {
      const [c1, c2] = yield* conns()
      function* client(c: Connection): Operation<void> {
        try {
          results.push(yield* timeoutAfter(50, c.recv()))
        } catch (error) {
          if (!(error instanceof TaskTimeout)) throw error
          results.push('timeout')
        }
      }
      const task = yield* spawn(client(c2))
      yield* task.join()
      results.push('done')
      c1.close()
      c2.close()
    })
    expect(results).toEqual(['timeout', 'done'])
  })

  it('test_channel.py::test_connection_send_cancel', async () => {
    const results: Log = []
    await run(function* () {
      const [c1, c2] = yield* conns()
      function* client(c: Connection): Operation<void> {
        yield* withConn(c, function* () {
          try {
            // Large enough to fill the socket buffers of a peer that never reads.
            yield* c.send('x'.repeat(10_000_000))
            results.push('success')
          } catch (error) {
            if (!(error instanceof CancelledError)) throw error
            results.push('cancel')
          }
        })
      }
      const task = yield* spawn(client(c2))
      yield* sleep(50)
      yield* task.cancel()
      results.push('done cancel')
      c1.close()
    })
    expect(results).toEqual(['cancel', 'done cancel'])
  })

  it('test_channel.py::test_connection_send_timeout', async () => {
    const results: Log = []
    await run(function* () {
      const [c1, c2] = yield* conns()
      function* client(c: Connection): Operation<void> {
        try {
          yield* timeoutAfter(50, c.send('x'.repeat(10_000_000)))
          results.push('success')
        } catch (error) {
          if (!(error instanceof TaskTimeout)) throw error
          results.push('timeout')
        }
      }
      const task = yield* spawn(client(c2))
      yield* task.join()
      results.push('done')
      c1.close()
      c2.close()
    })
    expect(results).toEqual(['timeout', 'done'])
  })

  it('test_channel.py::test_channel_hello', async () => {
    const results: Log = []
    await run(function* () {
      const [ch1, ch2] = chs()
      const { server, client } = hello(results, 'server hello world', 'client hello world')
      yield* both(
        (function* () {
          yield* server(yield* ch1.accept())
        })(),
        (function* () {
          yield* client(yield* ch2.connect())
        })(),
      )
      ch1.close()
    })
    expect(results).toEqual(['server hello world', 'client hello world'])
  })

  it('test_channel.py::test_channel_hello_auth', async () => {
    const results: Log = []
    await run(function* () {
      const [ch1, ch2] = chs()
      const { server, client } = hello(results, 'server hello world', 'client hello world')
      yield* both(
        (function* () {
          yield* server(yield* ch1.accept({ authkey: Buffer.from('peekaboo') }))
        })(),
        (function* () {
          yield* client(yield* ch2.connect({ authkey: Buffer.from('peekaboo') }))
        })(),
      )
      ch1.close()
    })
    expect(results).toEqual(['server hello world', 'client hello world'])
  })

  it('test_channel.py::test_channel_hello_auth_fail', async () => {
    const results: Log = []
    await run(function* () {
      const [ch1, ch2] = chs()
      function* server(ch: Channel): Operation<void> {
        const c = yield* ch.accept({ authkey: Buffer.from('peekaboo') })
        yield* withConn(c, () => c.send('server hello world'))
      }
      function* client(ch: Channel): Operation<void> {
        results.push(yield* raises(ch.connect({ authkey: Buffer.from('what?') })))
      }
      const t1 = yield* spawn(server(ch1))
      const t2 = yield* spawn(client(ch2))
      yield* t2.join()
      yield* t1.cancel()
      results.push(t1.cancelled)
      ch1.close()
    })
    // The server drops the client that failed and keeps accepting, until it is cancelled.
    expect(results).toEqual([expect.any(AuthenticationError), true])
  })

  it('test_channel.py::test_channel_slow_connect', async () => {
    // Skipped in Curio (`@pytest.mark.skip`), passes here. The client connects into the
    // listening socket's backlog and waits for the challenge of a server that accepts late.
    // Curio's connect gives up on the handshake after 1 s and reconnects, and its accept then
    // can take the abandoned connection and fail on its end of stream (hence the skip). Here
    // connect waits for the challenge: a deliberate difference (docs/coming-from-curio.md).
    const results: Log = []
    await run(function* () {
      const [ch1, ch2] = chs()
      function* server(ch: Channel): Operation<void> {
        yield* sleep(100)
        const c = yield* ch.accept({ authkey: Buffer.from('peekaboo') })
        yield* withConn(c, function* () {
          yield* c.send('server hello world')
          results.push(yield* c.recv())
        })
      }
      function* client(ch: Channel): Operation<void> {
        const c = yield* ch.connect({ authkey: Buffer.from('peekaboo') })
        yield* withConn(c, function* () {
          results.push(yield* c.recv())
          yield* c.send('client hello world')
        })
      }
      try {
        yield* both(server(ch1), client(ch2))
      } finally {
        ch1.close()
        ch2.close()
      }
    })
    expect(results).toEqual(['server hello world', 'client hello world'])
  })
})
