// Curio's tests/test_socket.py, translated. Real sockets on 127.0.0.1, port 0 (Curio uses a
// fixed port); the real clock, since socket waits are external and hold a virtual one. Curio
// orders events with sleeps of 0.1-1 s; halved here, still long for a loopback round trip.
import {
  type Address,
  AF_INET,
  CancelledError,
  type Operation,
  openConnection,
  run,
  SO_REUSEADDR,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  type Socket,
  sleep,
  socket,
  spawn,
  TaskTimeout,
  timeoutAfter,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { raises, socketpair } from './support.js'

type Log = unknown[]

/** A listening TCP socket on a free port, as Curio's servers make theirs. */
function listening(backlog = 5): Socket {
  const sock = socket(AF_INET, SOCK_STREAM)
  sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, true)
  sock.bind(['127.0.0.1', 0])
  sock.listen(backlog)
  return sock
}

function udpBound(): Socket {
  const sock = socket(AF_INET, SOCK_DGRAM)
  sock.bind(['127.0.0.1', 0])
  return sock
}

describe('test_socket.py', () => {
  it('test_socket.py::test_tcp_echo', async () => {
    const results: Log = []
    let address!: Address
    function* handler(client: Socket): Operation<void> {
      results.push('handler start')
      for (;;) {
        results.push('recv wait')
        const data = yield* client.recv(100)
        if (data.length === 0) break
        results.push(['handler', data.toString()])
        yield* client.sendall(data)
      }
      results.push('handler done')
      client.close()
    }
    function* server(): Operation<void> {
      const sock = listening()
      address = sock.getsockname()
      results.push('accept wait')
      const [client] = yield* sock.accept()
      results.push('accept done')
      yield* spawn(handler(client))
      sock.close()
    }
    function* client(): Operation<void> {
      results.push('client start')
      const sock = socket(AF_INET, SOCK_STREAM)
      yield* sock.connect(address)
      yield* sock.send(Buffer.from('Msg1'))
      yield* sleep(50)
      results.push(['client', (yield* sock.recv(100)).toString()])
      yield* sock.send(Buffer.from('Msg2'))
      yield* sleep(50)
      results.push(['client', (yield* sock.recv(100)).toString()])
      results.push('client close')
      sock.close()
    }
    await run(function* () {
      const s = yield* spawn(server)
      const c = yield* spawn(client)
      yield* s.join()
      yield* c.join()
      yield* sleep(50)
    })
    expect(results).toEqual([
      'accept wait',
      'client start',
      'accept done',
      'handler start',
      'recv wait',
      ['handler', 'Msg1'],
      'recv wait',
      ['client', 'Msg1'],
      ['handler', 'Msg2'],
      'recv wait',
      ['client', 'Msg2'],
      'client close',
      'handler done',
    ])
  })

  it('test_socket.py::test_tcp_file_echo', async () => {
    const results: Log = []
    let address!: Address
    function* handler(client: Socket): Operation<void> {
      results.push('handler start')
      const stream = client.asStream()
      yield* stream.eachLine(function* (line) {
        results.push(['handler', line.toString()])
        yield* stream.write(line)
      })
      results.push('handler done')
      client.close()
    }
    function* server(): Operation<void> {
      const sock = listening()
      address = sock.getsockname()
      results.push('accept wait')
      const [client] = yield* sock.accept()
      results.push('accept done')
      yield* spawn(handler(client))
      sock.close()
    }
    function* client(): Operation<void> {
      results.push('client start')
      const sock = socket(AF_INET, SOCK_STREAM)
      yield* sock.connect(address)
      const stream = sock.asStream()
      yield* stream.write('Msg1\n')
      yield* sleep(50)
      results.push(['client', (yield* stream.read(100)).toString()])
      yield* stream.write('Msg2\n')
      yield* sleep(50)
      results.push(['client', (yield* stream.read(100)).toString()])
      results.push('client close')
      sock.close()
    }
    await run(function* () {
      yield* spawn(server)
      const c = yield* spawn(client)
      yield* c.join()
      yield* sleep(50)
    })
    expect(results).toEqual([
      'accept wait',
      'client start',
      'accept done',
      'handler start',
      ['handler', 'Msg1\n'],
      ['client', 'Msg1\n'],
      ['handler', 'Msg2\n'],
      ['client', 'Msg2\n'],
      'client close',
      'handler done',
    ])
  })

  it('test_socket.py::test_udp_echo', async () => {
    const results: Log = []
    let address!: Address
    await run(function* () {
      const s = yield* spawn(function* server() {
        const sock = udpBound()
        address = sock.getsockname()
        results.push('recvfrom wait')
        const [data, addr] = yield* sock.recvfrom(8192)
        results.push(['server', data.toString()])
        yield* sock.sendto(data, addr)
        sock.close()
        results.push('server close')
      })
      const c = yield* spawn(function* client() {
        results.push('client start')
        const sock = socket(AF_INET, SOCK_DGRAM)
        results.push('client send')
        yield* sock.sendto(Buffer.from('Msg1'), address)
        const [data] = yield* sock.recvfrom(8192)
        results.push(['client', data.toString()])
        sock.close()
        results.push('client close')
      })
      yield* s.join()
      yield* c.join()
    })
    expect(results).toEqual([
      'recvfrom wait',
      'client start',
      'client send',
      ['server', 'Msg1'],
      'server close',
      ['client', 'Msg1'],
      'client close',
    ])
  })

  it('test_socket.py::test_accept_timeout', async () => {
    const results: Log = []
    await run(function* server() {
      const sock = listening(1)
      results.push('accept wait')
      try {
        yield* timeoutAfter(100, sock.accept())
        results.push('not here')
      } catch (e) {
        if (e instanceof TaskTimeout) results.push('accept timeout')
      }
      sock.close()
    })
    expect(results).toEqual(['accept wait', 'accept timeout'])
  })

  it('test_socket.py::test_accept_cancel', async () => {
    const results: Log = []
    await run(function* canceller() {
      const task = yield* spawn(function* server() {
        const sock = listening(1)
        results.push('accept wait')
        try {
          yield* sock.accept()
          results.push('not here')
        } catch (e) {
          if (e instanceof CancelledError) results.push('accept cancel')
        }
        sock.close()
      })
      yield* sleep(50)
      yield* task.cancel()
    })
    expect(results).toEqual(['accept wait', 'accept cancel'])
  })

  function* recvServer(results: Log, ready: (addr: Address) => void, recv: (c: Socket) => Operation<void>) {
    const sock = listening(1)
    ready(sock.getsockname())
    results.push('accept wait')
    const [client] = yield* sock.accept()
    results.push('recv wait')
    yield* recv(client)
    client.close()
    sock.close()
  }

  it('test_socket.py::test_recv_timeout', async () => {
    const results: Log = []
    await run(function* canceller() {
      let address!: Address
      const task = yield* spawn(() =>
        recvServer(
          results,
          (a) => {
            address = a
          },
          function* (client) {
            try {
              yield* timeoutAfter(100, client.recv(8192))
              results.push('not here')
            } catch (e) {
              if (e instanceof TaskTimeout) results.push('recv timeout')
            }
          },
        ),
      )
      yield* sleep(0)
      const sock = socket(AF_INET, SOCK_STREAM)
      results.push('client connect')
      yield* sock.connect(address)
      yield* sleep(200)
      sock.close()
      results.push('client done')
      yield* task.join()
    })
    expect(results).toEqual(['accept wait', 'client connect', 'recv wait', 'recv timeout', 'client done'])
  })

  it('test_socket.py::test_recv_cancel', async () => {
    const results: Log = []
    await run(function* canceller() {
      let address!: Address
      const task = yield* spawn(() =>
        recvServer(
          results,
          (a) => {
            address = a
          },
          function* (client) {
            try {
              yield* client.recv(8192)
              results.push('not here')
            } catch (e) {
              if (e instanceof CancelledError) results.push('recv cancel')
            }
          },
        ),
      )
      yield* sleep(0)
      const sock = socket(AF_INET, SOCK_STREAM)
      results.push('client connect')
      yield* sock.connect(address)
      yield* sleep(100)
      yield* task.cancel()
      sock.close()
      results.push('client done')
    })
    expect(results).toEqual(['accept wait', 'client connect', 'recv wait', 'recv cancel', 'client done'])
  })

  it('test_socket.py::test_recvfrom_timeout', async () => {
    const results: Log = []
    await run(function* canceller() {
      yield* spawn(function* server() {
        const sock = udpBound()
        results.push('recvfrom wait')
        try {
          yield* timeoutAfter(100, sock.recvfrom(8192))
          results.push('not here')
        } catch (e) {
          if (e instanceof TaskTimeout) results.push('recvfrom timeout')
        }
        sock.close()
      })
      yield* sleep(200)
      results.push('client done')
    })
    expect(results).toEqual(['recvfrom wait', 'recvfrom timeout', 'client done'])
  })

  it('test_socket.py::test_recvfrom_cancel', async () => {
    const results: Log = []
    await run(function* canceller() {
      const task = yield* spawn(function* server() {
        const sock = udpBound()
        results.push('recvfrom wait')
        try {
          yield* sock.recvfrom(8192)
          results.push('not here')
        } catch (e) {
          if (e instanceof CancelledError) results.push('recvfrom cancel')
        }
        sock.close()
      })
      yield* sleep(100)
      yield* task.cancel()
      results.push('client done')
    })
    expect(results).toEqual(['recvfrom wait', 'recvfrom cancel', 'client done'])
  })

  it('test_socket.py::test_buffer_into', async () => {
    // Curio sends an array('i') and receives into a memoryview; an Int32Array here.
    const N = 1_000_000
    const received = new Int32Array(N)
    await run(function* () {
      const [s1, s2] = yield* socketpair()
      const sent = Int32Array.from({ length: N }, (_, i) => i)
      const sender = yield* spawn(() => s1.sendall(new Uint8Array(sent.buffer)))
      const receiver = yield* spawn(function* () {
        let view = new Uint8Array(received.buffer)
        while (view.length > 0) {
          const n = yield* s2.recvInto(view)
          if (n === 0) break
          view = view.subarray(n)
        }
      })
      yield* sender.join()
      yield* receiver.join()
      s1.close()
      s2.close()
    })
    expect(received.every((x, n) => x === n)).toBe(true)
  })

  it('test_socket.py::test_read_write_on_same_socket', async () => {
    // One reader and one writer may wait on the same socket at once.
    await run(function* () {
      const [s1, s2] = yield* socketpair()
      const t1 = yield* spawn(() => s1.recv(1000))
      const N = 10_000_000
      const t2 = yield* spawn(() => s1.sendall(Buffer.alloc(N, 0x78)))
      yield* s2.sendall(Buffer.from('x'))
      let n = 0
      while (n < N) n += (yield* s2.recv(N)).length
      expect((yield* t1.join()).toString()).toBe('x')
      yield* t2.join()
      s1.close()
      s2.close()
    })
  })
  it('test_socket.py::test_buffer_stream_into', async () => {
    // Curio's stream.readinto(view): read(max) copied into the view here.
    const N = 1_000_000
    const received = new Int32Array(N)
    await run(function* () {
      const [s1, s2] = yield* socketpair()
      const sent = Int32Array.from({ length: N }, (_, i) => i)
      const sender = yield* spawn(function* () {
        yield* s1.sendall(Buffer.from('Hello world\n'))
        yield* s1.sendall(new Uint8Array(sent.buffer))
      })
      const receiver = yield* spawn(function* () {
        const stream = s2.asStream()
        expect((yield* stream.readline()).toString()).toBe('Hello world\n')
        let view = new Uint8Array(received.buffer)
        while (view.length > 0) {
          const chunk = yield* stream.read(view.length)
          if (chunk.length === 0) break
          view.set(chunk)
          view = view.subarray(chunk.length)
        }
      })
      yield* sender.join()
      yield* receiver.join()
      s1.close()
      s2.close()
    })
    expect(received.every((x, n) => x === n)).toBe(true)
  })

  it('test_socket.py::test_create_connection', async () => {
    // Curio's create_connection(addr, source_address=...) is openConnection with sourceAddr.
    await run(function* () {
      const sock = listening(1)
      const [host, port] = sock.getsockname() as [string, number]
      // A free local port for the client to connect from.
      const probe = listening(1)
      const [, sourcePort] = probe.getsockname() as [string, number]
      probe.close()
      const server = yield* spawn(function* () {
        const [client, addr] = yield* sock.accept()
        client.close()
        sock.close()
        return addr
      })
      const c = yield* openConnection(host, port, { sourceAddr: ['127.0.0.1', sourcePort] })
      c.close()
      expect(yield* server.join()).toEqual(['127.0.0.1', sourcePort])
    })
  })

  it('test_socket.py::test_create_bad_connection', async () => {
    // Curio connects to python.org:1; with no network here, a closed local port.
    await run(function* () {
      const probe = listening(1)
      const [host, port] = probe.getsockname() as [string, number]
      probe.close()
      const e = yield* raises(openConnection(host, port))
      expect(e).toMatchObject({ code: 'ECONNREFUSED' })
    })
  })
})
