import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { awaitPromise, run, spawn } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IPPROTO_TCP,
  openConnection,
  SHUT_WR,
  SOCK_STREAM,
  socket,
  TCP_NODELAY,
} from '../src/index.js'
import { closeServer, expectThrow, liveSocketHandles, nodeClient, nodeServer, readAll } from './helpers.js'

describe('Socket', () => {
  it('knows its real port as soon as listen() returns', async () => {
    await run(function* () {
      using sock = socket(AF_INET, SOCK_STREAM)
      sock.bind(['127.0.0.1', 0])
      expect(sock.getsockname()).toEqual(['127.0.0.1', 0])
      sock.listen()
      const [host, port] = sock.getsockname() as [string, number]
      expect([host, port > 0]).toEqual(['127.0.0.1', true])
      // The port really is listening: a second listener on it fails.
      using other = socket(AF_INET, SOCK_STREAM)
      other.bind(['127.0.0.1', port])
      other.listen()
      const error = yield* expectThrow(other.accept())
      expect(error).toMatchObject({ code: 'EADDRINUSE' })
    })
  })

  it('binds the wildcard for "" and refuses names it would have to resolve', () => {
    const sock = socket(AF_INET, SOCK_STREAM)
    sock.bind(['', 0])
    sock.listen()
    expect((sock.getsockname() as [string, number])[0]).toBe('0.0.0.0')
    sock.close()
    expect(() => socket(AF_INET, SOCK_STREAM).bind(['example.com', 0])).toThrow(TypeError)
    expect(() => socket(AF_INET, SOCK_STREAM).bind(['::1', 0])).toThrow(/not an IPv4/)
  })

  it('accepts, connects, sends and receives over IPv4, IPv6 and Unix sockets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'curio-io-'))
    const cases: [number, string | [string, number]][] = [
      [AF_INET, ['127.0.0.1', 0]],
      [AF_INET6, ['::1', 0]],
      [AF_UNIX, join(dir, 's.sock')],
    ]
    for (const [family, address] of cases) {
      await run(function* () {
        using server = socket(family, SOCK_STREAM)
        server.bind(address)
        server.listen()
        const where = server.getsockname()
        const peer = yield* spawn(function* () {
          using client = socket(family, SOCK_STREAM)
          yield* client.connect(where)
          expect(client.getpeername()).toEqual(where)
          yield* client.sendall(Buffer.from('ping'))
          return (yield* client.recv(100)).toString()
        })
        const [conn, addr] = yield* server.accept()
        using _ = conn
        if (family === AF_UNIX) expect(addr).toBe('')
        else expect(addr).toEqual(conn.getpeername())
        expect((yield* conn.recv(100)).toString()).toBe('ping')
        expect(yield* conn.send(Buffer.from('pong'))).toBe(4)
        expect(yield* peer.join()).toBe('pong')
      })
    }
    expect(existsSync(join(dir, 's.sock'))).toBe(false)
    expect(await liveSocketHandles()).toEqual([])
  })

  it('recv returns an empty array at end of stream, and again on every later call', async () => {
    const server = await nodeServer((s) => s.end('bye'))
    await run(function* () {
      using sock = yield* openConnection('127.0.0.1', server.port)
      expect((yield* sock.recv(100)).toString()).toBe('bye')
      for (let i = 0; i < 3; i++) expect((yield* sock.recv(100)).length).toBe(0)
    })
    await closeServer(server)
  })

  it('recvInto fills the caller buffer and returns the count', async () => {
    const server = await nodeServer((s) => s.end('abcdef'))
    await run(function* () {
      using sock = yield* openConnection('127.0.0.1', server.port)
      const buf = new Uint8Array(4)
      let text = ''
      for (let n = yield* sock.recvInto(buf); n > 0; n = yield* sock.recvInto(buf)) {
        text += Buffer.from(buf.subarray(0, n)).toString()
      }
      expect(text).toBe('abcdef')
    })
    await closeServer(server)
  })

  it('shutdown(SHUT_WR) sends FIN: the peer reads end of stream and can still answer', async () => {
    const server = await nodeServer(
      (s) => {
        readAll(s).then((got) => s.end(`got ${got}`))
      },
      { allowHalfOpen: true },
    )
    await run(function* () {
      using sock = yield* openConnection('127.0.0.1', server.port)
      yield* sock.sendall(Buffer.from('all of it'))
      sock.shutdown(SHUT_WR)
      expect((yield* sock.recv(100)).toString()).toBe('got all of it')
    })
    await closeServer(server)
  })

  it('close() wakes a waiting reader with EBADF, and later calls throw the same', async () => {
    const server = await nodeServer(() => {})
    await run(function* () {
      const sock = yield* openConnection('127.0.0.1', server.port)
      const reader = yield* spawn(() => expectThrow(sock.recv(10)))
      yield* awaitPromise(new Promise((r) => setImmediate(r)))
      expect(reader.state).toBe('READ_WAIT')
      sock.close()
      expect(yield* reader.join()).toMatchObject({ code: 'EBADF' })
      expect(yield* expectThrow(sock.recv(10))).toMatchObject({ code: 'EBADF' })
      expect(yield* expectThrow(sock.sendall(Buffer.from('x')))).toMatchObject({ code: 'EBADF' })
      expect(() => sock.getsockname()).toThrow(expect.objectContaining({ code: 'EBADF' }))
      sock.close() // twice is harmless
    })
    await closeServer(server)
  })

  it('close() of a listening socket wakes accept with EBADF', async () => {
    await run(function* () {
      const sock = socket(AF_INET, SOCK_STREAM)
      sock.bind(['127.0.0.1', 0])
      sock.listen()
      const acceptor = yield* spawn(() => expectThrow(sock.accept()))
      yield* awaitPromise(new Promise((r) => setImmediate(r)))
      sock.close()
      expect(yield* acceptor.join()).toMatchObject({ code: 'EBADF' })
    })
    expect(await liveSocketHandles()).toEqual([])
  })

  it('data calls on an unconnected socket throw ENOTCONN; options are checked', async () => {
    const sock = socket(AF_INET, SOCK_STREAM)
    expect(await run(expectThrow(sock.recv(10)))).toMatchObject({ code: 'ENOTCONN' })
    expect(() => sock.getpeername()).toThrow(expect.objectContaining({ code: 'ENOTCONN' }))
    sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 0)
    expect(() => sock.setsockopt(99, 99, 1)).toThrow(expect.objectContaining({ code: 'ENOPROTOOPT' }))
    expect(() => socket(99 as number, SOCK_STREAM)).toThrow(TypeError)
  })

  it('interoperates with a plain node:net client connecting to it', async () => {
    await run(function* () {
      using sock = socket(AF_INET, SOCK_STREAM)
      sock.bind(['127.0.0.1', 0])
      sock.listen()
      const [, port] = sock.getsockname() as [string, number]
      const reply = awaitPromise(
        nodeClient(port).then((c) => {
          c.end('from node')
          return readAll(c)
        }),
      )
      const [conn] = yield* sock.accept()
      using _ = conn
      const got = yield* conn.recv(100)
      yield* conn.sendall(Buffer.concat([Buffer.from('echo: '), got]))
      conn.close()
      expect((yield* reply).toString()).toBe('echo: from node')
    })
  })
})

describe('addresses', () => {
  it('openConnection binds the source address it is given', async () => {
    await run(function* () {
      using server = socket(AF_INET, SOCK_STREAM)
      server.bind(['127.0.0.1', 0])
      server.listen()
      const [, port] = server.getsockname() as [string, number]
      using client = yield* openConnection('127.0.0.1', port, { sourceAddr: ['127.0.0.2', 0] })
      const [conn, addr] = yield* server.accept()
      using _ = conn
      expect(addr[0]).toBe('127.0.0.2')
      expect(client.getsockname()).toEqual(addr)
    })
  })

  it('an AF_INET6 socket bound to "" listens on :: and accepts IPv6 clients', async () => {
    await run(function* () {
      using server = socket(AF_INET6, SOCK_STREAM)
      server.bind(['', 0])
      server.listen()
      const [host, port] = server.getsockname() as [string, number]
      expect(host).toBe('::')
      using client = yield* openConnection('::1', port)
      const [conn, addr] = yield* server.accept()
      using _ = conn
      expect(addr[0]).toBe('::1')
      expect(client.family).toBe(AF_INET6)
    })
  })
})
