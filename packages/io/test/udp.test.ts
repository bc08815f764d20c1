import { createSocket } from 'node:dgram'
import { ignoreAfter, type Operation, ReadResourceBusy, run, schedule, spawn } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { type Address, AF_INET, AF_INET6, SOCK_DGRAM, type Socket, socket } from '../src/index.js'
import { expectThrow } from './helpers.js'

function bound(family = AF_INET, host = '127.0.0.1'): [Socket, Address] {
  const sock = socket(family, SOCK_DGRAM)
  sock.bind([host, 0])
  return [sock, sock.getsockname()]
}

async function liveUdpHandles(): Promise<string[]> {
  // A closed handle is released by libuv on a later turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  return process.getActiveResourcesInfo().filter((name) => /^UDP/.test(name))
}

describe('UDP', () => {
  it('bind knows the real port at once; sendto and recvfrom carry datagrams and the sender', async () => {
    await run(function* () {
      const [a, addrA] = bound()
      const [b, addrB] = bound()
      using _a = a
      using _b = b
      expect((addrA as [string, number])[1]).toBeGreaterThan(0)
      expect(yield* a.sendto(Buffer.from('ping'), addrB)).toBe(4)
      const [data, from] = yield* b.recvfrom(100)
      expect(data.toString()).toBe('ping')
      expect(from).toEqual(addrA)
      yield* b.sendto(Buffer.from('pong'), from)
      expect((yield* a.recvfrom(100))[0].toString()).toBe('pong')
    })
    expect(await liveUdpHandles()).toEqual([])
  })

  it('a datagram longer than maxbytes is truncated; the next one is whole', async () => {
    await run(function* () {
      const [a] = bound()
      const [b, addrB] = bound()
      using _a = a
      using _b = b
      yield* a.sendto(Buffer.alloc(100, 'x'), addrB)
      yield* a.sendto(Buffer.from('second'), addrB)
      expect((yield* b.recvfrom(10))[0].toString()).toBe('xxxxxxxxxx')
      expect((yield* b.recv(100)).toString()).toBe('second')
    })
  })

  it('a cancelled or timed-out recvfrom loses no datagram', async () => {
    await run(function* () {
      const [a] = bound()
      const [b, addrB] = bound()
      using _a = a
      using _b = b
      expect(yield* ignoreAfter(5, b.recvfrom(100))).toBeUndefined()
      const reader = yield* spawn(b.recvfrom(100))
      yield* schedule()
      expect(reader.state).toBe('READ_WAIT')
      yield* reader.cancel()
      yield* a.sendto(Buffer.from('kept'), addrB)
      expect((yield* b.recvfrom(100))[0].toString()).toBe('kept')
    })
  })

  it('connect fixes the peer: send and recv talk to a plain node:dgram echo', async () => {
    const peer = createSocket('udp4')
    peer.on('message', (msg, rinfo) =>
      peer.send(Buffer.concat([Buffer.from('echo:'), msg]), rinfo.port, rinfo.address),
    )
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve))
    const port = peer.address().port
    try {
      await run(function* () {
        using sock = socket(AF_INET, SOCK_DGRAM)
        yield* sock.connect(['127.0.0.1', port])
        expect(sock.getpeername()).toEqual(['127.0.0.1', port])
        expect(yield* sock.send(Buffer.from('hi'))).toBe(2)
        expect((yield* sock.recv(100)).toString()).toBe('echo:hi')
        const error = yield* expectThrow(sock.sendto(Buffer.from('x'), ['127.0.0.1', port]))
        expect(error.code).toBe('EISCONN')
      })
    } finally {
      peer.close()
    }
  })

  it('send without connect is EDESTADDRREQ; a second reader is refused; close wakes the reader with EBADF', async () => {
    await run(function* () {
      const [sock] = bound()
      expect((yield* expectThrow(sock.send(Buffer.from('x')))).code).toBe('EDESTADDRREQ')
      const reader = yield* spawn(function* (): Operation<unknown> {
        return yield* expectThrow(sock.recvfrom(10))
      })
      yield* schedule()
      expect(yield* expectThrow(sock.recvfrom(10))).toBeInstanceOf(ReadResourceBusy)
      sock.close()
      expect(((yield* reader.join()) as NodeJS.ErrnoException).code).toBe('EBADF')
      expect((yield* expectThrow(sock.recvfrom(10))).code).toBe('EBADF')
    })
    expect(await liveUdpHandles()).toEqual([])
  })

  it('IPv6 datagrams on ::1', async () => {
    await run(function* () {
      const [a, addrA] = bound(AF_INET6, '::1')
      const [b, addrB] = bound(AF_INET6, '::1')
      using _a = a
      using _b = b
      yield* a.sendto(Buffer.from('six'), addrB)
      const [data, from] = yield* b.recvfrom(10)
      expect(data.toString()).toBe('six')
      expect(from).toEqual(addrA)
    })
  })
})
