// Curio's tests/test_io.py, translated. Real sockets on 127.0.0.1 and the real clock (socket
// waits hold a virtual one); Curio's sleeps of 0.5-1 s are a tenth here.
import {
  type Address,
  AF_INET,
  CancelledError,
  Event,
  IncompleteRead,
  type Operation,
  ReadResourceBusy,
  run,
  runServer,
  SOCK_STREAM,
  type Socket,
  sleep,
  socket,
  spawn,
  TaskTimeout,
  taskGroup,
  tcpServerSocket,
  timeoutAfter,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { raises, serveOnce } from './support.js'

type Log = unknown[]

/** Curio's test_client: connect, wait for the server's OK, then `then`. */
function* okClient(address: Address, then: (sock: Socket) => Operation<void>): Operation<void> {
  const sock = socket(AF_INET, SOCK_STREAM)
  yield* sock.connect(address)
  yield* sock.recv(8)
  yield* then(sock)
  sock.close()
}

function* sendAndClose(address: Address, ...chunks: (string | number)[]): Operation<void> {
  yield* okClient(address, function* (sock) {
    for (const chunk of chunks) {
      if (typeof chunk === 'number') yield* sleep(chunk)
      else yield* sock.sendall(Buffer.from(chunk))
    }
  })
}

const OK = Buffer.from('OK')

describe('test_io.py', () => {
  it('test_io.py::test_read_partial', async () => {
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          try {
            yield* client.send(OK)
            const s = client.asStream()
            results.push((yield* s.readline()).toString())
            results.push((yield* s.read(2)).toString())
            results.push((yield* s.read(1000)).toString())
          } finally {
            done.set()
          }
        },
        (address) => sendAndClose(address, 'hello\nworld\n'),
        done,
      ),
    )
    expect(results).toEqual(['hello\n', 'wo', 'rld\n'])
  })

  it('test_io.py::test_readall', async () => {
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          results.push('handler start')
          yield* client.send(OK)
          using s = client.asStream()
          results.push((yield* s.read()).toString())
          results.push('handler done')
          done.set()
        },
        (address) => sendAndClose(address, 'Msg1\n', 10, 'Msg2\n', 10, 'Msg3\n', 10),
        done,
      ),
    )
    expect(results).toEqual(['handler start', 'Msg1\nMsg2\nMsg3\n', 'handler done'])
  })

  it('test_io.py::test_readall_partial', async () => {
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          yield* client.send(OK)
          const s = client.asStream()
          expect((yield* s.readline()).toString()).toBe('hello\n')
          expect((yield* s.read()).toString()).toBe('world\n')
          done.set()
        },
        (address) => sendAndClose(address, 'hello\nworld\n'),
        done,
      ),
    )
  })

  it('test_io.py::test_readall_timeout', async () => {
    // Curio's TaskTimeout carries bytes_read; here a timed-out read takes nothing, so the
    // bytes are still there for the next read.
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          results.push('handler start')
          yield* client.send(OK)
          const s = client.asStream()
          try {
            yield* timeoutAfter(50, s.read())
          } catch (e) {
            if (!(e instanceof TaskTimeout)) throw e
            results.push((yield* s.read(100)).toString())
          }
          results.push('handler done')
          done.set()
        },
        (address) => sendAndClose(address, 'Msg1\n', 100, 'Msg2\n'),
        done,
      ),
    )
    expect(results).toEqual(['handler start', 'Msg1\n', 'handler done'])
  })

  it('test_io.py::test_read_exactly', async () => {
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          results.push('handler start')
          yield* client.send(OK)
          const s = client.asStream()
          for (let n = 0; n < 3; n++) results.push((yield* s.readExactly(5)).toString())
          results.push('handler done')
          done.set()
        },
        (address) => sendAndClose(address, 'Msg1\nMsg2\nMsg3\n'),
        done,
      ),
    )
    expect(results).toEqual(['handler start', 'Msg1\n', 'Msg2\n', 'Msg3\n', 'handler done'])
  })

  it('test_io.py::test_read_exactly_incomplete', async () => {
    // Curio's EOFError.bytes_read is IncompleteRead.partial.
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          yield* client.send(OK)
          const s = client.asStream()
          try {
            const e = yield* raises(s.readExactly(100))
            expect(e).toBeInstanceOf(IncompleteRead)
            results.push((e as IncompleteRead).partial.toString())
          } finally {
            done.set()
          }
        },
        (address) => sendAndClose(address, 'Msg1\nMsg2\nMsg3\n'),
        done,
      ),
    )
    expect(results[0]).toBe('Msg1\nMsg2\nMsg3\n')
  })

  it('test_io.py::test_read_exactly_timeout', async () => {
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          results.push('handler start')
          yield* client.send(OK)
          const s = client.asStream()
          try {
            results.push((yield* timeoutAfter(50, s.readExactly(10))).toString())
          } catch (e) {
            if (!(e instanceof TaskTimeout)) throw e
            results.push((yield* s.read(100)).toString()) // nothing was lost
          }
          results.push('handler done')
          done.set()
        },
        (address) => sendAndClose(address, 'Msg1\n', 100, 'Msg2\n'),
        done,
      ),
    )
    expect(results).toEqual(['handler start', 'Msg1\n', 'handler done'])
  })

  it('test_io.py::test_readline', async () => {
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          results.push('handler start')
          yield* client.send(OK)
          const s = client.asStream()
          for (let n = 0; n < 3; n++) results.push((yield* s.readline()).toString())
          results.push('handler done')
          done.set()
        },
        (address) => sendAndClose(address, 'Msg1\nMsg2\nMsg3\n'),
        done,
      ),
    )
    expect(results).toEqual(['handler start', 'Msg1\n', 'Msg2\n', 'Msg3\n', 'handler done'])
  })

  it('test_io.py::test_readlines', async () => {
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          yield* client.send(OK)
          results.push('handler start')
          const s = client.asStream()
          results.push(...(yield* s.readlines()).map(String))
          results.push('handler done')
          done.set()
        },
        (address) => sendAndClose(address, 'Msg1\nMsg2\nMsg3\n'),
        done,
      ),
    )
    expect(results).toEqual(['handler start', 'Msg1\n', 'Msg2\n', 'Msg3\n', 'handler done'])
  })

  it('test_io.py::test_readlines_timeout', async () => {
    // Curio's TaskTimeout.lines_read: here the lines stay buffered for the next reads.
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          yield* client.send(OK)
          results.push('handler start')
          const s = client.asStream()
          try {
            yield* timeoutAfter(50, s.readlines())
          } catch (e) {
            if (!(e instanceof TaskTimeout)) throw e
            results.push((yield* s.readline()).toString(), (yield* s.readline()).toString())
          }
          results.push('handler done')
          done.set()
        },
        (address) => sendAndClose(address, 'Msg1\nMsg2\n', 100, 'Msg3\n'),
        done,
      ),
    )
    expect(results).toEqual(['handler start', 'Msg1\n', 'Msg2\n', 'handler done'])
  })

  it('test_io.py::test_writelines', async () => {
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          results.push('handler start')
          yield* client.send(OK)
          results.push((yield* client.asStream().read()).toString())
          results.push('handler done')
          done.set()
        },
        (address) =>
          okClient(address, function* (sock) {
            yield* sock
              .asStream()
              .writelines([Buffer.from('Msg1\n'), Buffer.from('Msg2\n'), Buffer.from('Msg3\n')])
          }),
        done,
      ),
    )
    expect(results).toEqual(['handler start', 'Msg1\nMsg2\nMsg3\n', 'handler done'])
  })

  it('test_io.py::test_writelines_timeout', async () => {
    // Curio's bytes_written is counted here from the lines the endless generator gave up:
    // every line taken was written, nothing more.
    const results: Log = []
    const done = new Event()
    let written = 0
    function* lineGenerator(): Generator<Buffer> {
      for (let n = 0; ; n++) {
        const line = Buffer.from(`Msg${n}\n`)
        written += line.length
        yield line
      }
    }
    await run(() =>
      serveOnce(
        function* (client) {
          yield* client.send(OK)
          const s = client.asStream()
          yield* sleep(100)
          results.push((yield* s.read()).length)
          done.set()
        },
        (address) =>
          okClient(address, function* (sock) {
            const s = sock.asStream()
            expect(yield* raises(timeoutAfter(50, s.writelines(lineGenerator())))).toBeInstanceOf(TaskTimeout)
            results.push(written)
          }),
        done,
      ),
    )
    expect(results[0]).toBe(results[1])
  })

  it('test_io.py::test_write_timeout', async () => {
    // Curio's bytes_written: a write that Node has taken is delivered whole, even when the
    // wait for it to drain times out.
    const results: Log = []
    const done = new Event()
    const msg = Buffer.alloc(10_000_000, 0x78)
    await run(() =>
      serveOnce(
        function* (client) {
          yield* client.send(OK)
          const s = client.asStream()
          yield* sleep(100)
          results.push((yield* s.read()).length)
          done.set()
        },
        (address) =>
          okClient(address, function* (sock) {
            const s = sock.asStream()
            expect(yield* raises(timeoutAfter(50, s.write(msg)))).toBeInstanceOf(TaskTimeout)
            results.push(msg.length)
          }),
        done,
      ),
    )
    expect(results[0]).toBe(results[1])
  })

  it('test_io.py::test_iterline', async () => {
    // Curio's `async for line in s` is eachLine.
    const results: Log = []
    await run(function* () {
      const listener = tcpServerSocket('127.0.0.1', 0)
      const address = listener.getsockname()
      yield* taskGroup({}, function* (g) {
        const serv = yield* g.spawn(() =>
          runServer(listener, function* (client) {
            results.push('handler start')
            yield* client.send(OK)
            yield* client.asStream().eachLine((line) => results.push(line.toString()))
            results.push('handler done')
          }),
        )
        yield* g.spawn(() =>
          okClient(address, function* (sock) {
            yield* sock.sendall(Buffer.from('Msg1\nMsg2\nMsg3\n'))
            sock.close()
            yield* sleep(50)
            yield* serv.cancel()
          }),
        )
      })
    })
    expect(results).toEqual(['handler start', 'Msg1\n', 'Msg2\n', 'Msg3\n', 'handler done'])
  })

  it('test_io.py::test_double_recv', async () => {
    const results: Log = []
    const done = new Event()
    await run(() =>
      serveOnce(
        function* (client) {
          results.push('handler start')
          yield* spawn(
            function* badHandler() {
              results.push('bad handler')
              yield* sleep(10)
              try {
                yield* client.recv(1000) // another task is already reading this socket
                results.push('why am I here?')
              } catch (e) {
                if (e instanceof ReadResourceBusy) results.push('good handler')
              }
            },
            { daemon: true },
          )
          yield* client.send(OK)
          results.push((yield* client.recv(1000)).toString())
          results.push('handler done')
          done.set()
        },
        (address) => sendAndClose(address, 100, 'Msg'),
        done,
      ),
    )
    expect(results).toEqual(['handler start', 'bad handler', 'good handler', 'Msg', 'handler done'])
  })
  it('test_io.py::test_sendall_cancel', async () => {
    // Curio's CancelledError carries bytes_sent. Here sendall hands the whole buffer to Node at
    // once, so a cancelled sendall has still sent all of it: the handler receives every byte.
    const N = 10_000_000
    const done = new Event()
    const start = new Event()
    let received = 0
    let senderError: unknown
    await run(function* () {
      const listener = tcpServerSocket('127.0.0.1', 0)
      const address = listener.getsockname()
      const serv = yield* spawn(() =>
        runServer(listener, function* (client) {
          yield* start.wait()
          for (;;) {
            const data = yield* client.recv(1_000_000)
            if (data.length === 0) break
            received += data.length
          }
          done.set()
        }),
      )
      const t = yield* spawn(function* () {
        const sock = socket(AF_INET, SOCK_STREAM)
        yield* sock.connect(address)
        try {
          yield* sock.sendall(Buffer.alloc(N, 0x78))
        } catch (e) {
          senderError = e
        }
        sock.close()
      })
      yield* sleep(50)
      yield* t.cancel()
      start.set()
      yield* done.wait()
      yield* serv.cancel()
    })
    expect(senderError).toBeInstanceOf(CancelledError)
    expect(received).toBe(N)
  })
})
