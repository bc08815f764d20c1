// Curio's tests/test_network.py, translated: tcp_server with a per-connection handler.
import {
  AF_INET,
  type Operation,
  run,
  runServer,
  SOCK_STREAM,
  type Socket,
  sleep,
  socket,
  spawn,
  type Task,
  tcpServerSocket,
} from 'curio'
import { describe, expect, it } from 'vitest'

describe('test_network.py', () => {
  it('test_network.py::test_tcp_echo', async () => {
    const results: unknown[] = []
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
    }
    await run(function* () {
      const listener = tcpServerSocket('127.0.0.1', 0)
      const address = listener.getsockname()
      const serv: Task<never> = yield* spawn(() => runServer(listener, handler))
      const c = yield* spawn(function* client() {
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
        yield* sleep(50)
        yield* serv.cancel()
      })
      yield* c.join()
    })
    expect(results).toEqual([
      'client start',
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
})
