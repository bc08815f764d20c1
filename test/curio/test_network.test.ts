// Curio's tests/test_network.py, translated: tcp_server with a per-connection handler.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type Address,
  AF_INET,
  type Operation,
  openConnection,
  openUnixConnection,
  run,
  runServer,
  SOCK_STREAM,
  type Socket,
  sleep,
  socket,
  spawn,
  type Task,
  tcpServer,
  tcpServerSocket,
  unixServer,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { selfSignedCert } from '../../packages/io/test/tls-cert.js'
import { raises } from './support.js'

const echoOrder = [
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
]

function echoHandler(results: unknown[]) {
  return function* handler(client: Socket): Operation<void> {
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
}

function* echoClient(results: unknown[], sock: Socket, serv: Task<unknown>): Operation<void> {
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
}

/** Curio's ssl test handler: one greeting, one answer. */
function* backAtcha(client: Socket): Operation<void> {
  const data = yield* client.recv(1000)
  expect(data.toString()).toBe('Hello, world!')
  yield* client.send(Buffer.concat([Buffer.from('Back atcha: '), data]))
}

/** Curio's ssl test client; its contexts turn verification off, and so does this one. */
function* hello(address: Address): Operation<string> {
  const [host, port] = address as [string, number]
  const sock = yield* openConnection(host, port, {
    ssl: { rejectUnauthorized: false },
    serverHostname: 'localhost',
  })
  yield* sock.sendall(Buffer.from('Hello, world!'))
  const resp = (yield* sock.recv(4096)).toString()
  sock.close()
  return resp
}

describe('test_network.py', () => {
  it('test_network.py::test_unix_echo', async () => {
    const results: unknown[] = []
    const path = join(mkdtempSync(join(tmpdir(), 'curio-net-')), 'curionet')
    await run(function* () {
      const serv: Task<never> = yield* spawn(() => unixServer(path, echoHandler(results)))
      const c = yield* spawn(function* client() {
        results.push('client start')
        const sock = yield* openUnixConnection(path)
        yield* echoClient(results, sock, serv)
      })
      yield* c.join()
    })
    expect(results).toEqual(echoOrder)
  })

  it('test_network.py::test_ssl_server', async () => {
    const { key, cert } = selfSignedCert()
    await run(function* () {
      const listener = tcpServerSocket('127.0.0.1', 0)
      const serverTask = yield* spawn(() => runServer(listener, backAtcha, { ssl: { key, cert } }))
      expect(yield* hello(listener.getsockname())).toBe('Back atcha: Hello, world!')
      yield* serverTask.cancel()
    })
  })

  it('test_network.py::test_ssl_wrapping', async () => {
    // Curio builds the listening socket by hand and passes it to run_server with a context.
    const { key, cert } = selfSignedCert()
    await run(function* () {
      const sock = socket(AF_INET, SOCK_STREAM)
      sock.bind(['127.0.0.1', 0])
      sock.listen(5)
      const serverTask = yield* spawn(() => runServer(sock, backAtcha, { ssl: { key, cert } }))
      expect(yield* hello(sock.getsockname())).toBe('Back atcha: Hello, world!')
      yield* serverTask.cancel()
    })
  })

  it('test_network.py::test_errors', async () => {
    // The parts that need no network: a port in use, a Unix path that is a directory.
    await run(function* () {
      const taken = tcpServerSocket('127.0.0.1', 0)
      const [, port] = taken.getsockname() as [string, number]
      expect(yield* raises(tcpServer('127.0.0.1', port, backAtcha))).toMatchObject({ code: 'EADDRINUSE' })
      taken.close()
      expect(yield* raises(unixServer(tmpdir(), backAtcha))).toBeInstanceOf(Error)
    })
  })

  it('test_network.py::test_tcp_echo', async () => {
    const results: unknown[] = []
    await run(function* () {
      const listener = tcpServerSocket('127.0.0.1', 0)
      const address = listener.getsockname()
      const serv: Task<never> = yield* spawn(() => runServer(listener, echoHandler(results)))
      const c = yield* spawn(function* client() {
        results.push('client start')
        const sock = socket(AF_INET, SOCK_STREAM)
        yield* sock.connect(address)
        yield* echoClient(results, sock, serv)
      })
      yield* c.join()
    })
    expect(results).toEqual(echoOrder)
  })
})
