// The rules of section 4 about cancellation and timeouts: nothing is lost, ever.
import {
  awaitPromise,
  clock,
  ignoreAfter,
  ReadResourceBusy,
  run,
  spawn,
  timeoutAfter,
  WriteResourceBusy,
} from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { expectThrow, listening, nodeClient, pair, turn } from './helpers.js'

describe('cancellation and timeouts lose nothing', () => {
  it('a cancelled recv has taken nothing: the next recv gets every byte', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      const reader = yield* spawn(conn.recv(100))
      yield* turn()
      expect(reader.state).toBe('READ_WAIT')
      yield* reader.cancel()
      peer.write('abc')
      expect((yield* conn.recv(100)).toString()).toBe('abc')
      peer.destroy()
      conn.close()
      server.close()
    })
  })

  it('a timed-out recv loses no bytes (real clock)', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      expect(yield* ignoreAfter(20, conn.recv(100), { timeoutResult: 'timeout' })).toBe('timeout')
      peer.write('late')
      expect((yield* conn.recv(100)).toString()).toBe('late')
      peer.destroy()
      conn.close()
      server.close()
    })
  })

  it('a timed-out readline keeps its partial line for the next readline', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      const stream = conn.asStream()
      peer.write('hel')
      expect(yield* ignoreAfter(20, stream.readline(), { timeoutResult: 'timeout' })).toBe('timeout')
      peer.write('lo\nnext')
      expect((yield* stream.readline()).toString()).toBe('hello\n')
      peer.end()
      expect((yield* stream.readline()).toString()).toBe('next')
      expect((yield* stream.readline()).length).toBe(0)
      stream.close()
      server.close()
    })
  })

  it('a cancelled or timed-out accept loses no connection', async () => {
    await run(function* () {
      const [server, port] = listening()
      const acceptor = yield* spawn(server.accept())
      yield* turn()
      yield* acceptor.cancel()
      expect(yield* ignoreAfter(20, server.accept(), { timeoutResult: 'timeout' })).toBe('timeout')
      const peer = yield* awaitPromise(nodeClient(port))
      peer.write('first')
      const [conn] = yield* server.accept()
      expect((yield* conn.recv(100)).toString()).toBe('first')
      peer.destroy()
      conn.close()
      server.close()
    })
  })

  it('socket waits are external: a virtual clock does not jump past them', async () => {
    await run(
      function* () {
        const [conn, peer, server] = yield* pair()
        setTimeout(() => peer.write('in time'), 30)
        const start = yield* clock()
        // With an ordinary wait the virtual clock would jump to the deadline at once.
        const got = yield* timeoutAfter(1000, conn.recv(100))
        expect(got.toString()).toBe('in time')
        expect((yield* clock()) - start).toBe(0)
        peer.destroy()
        conn.close()
        server.close()
      },
      { clock: 'virtual' },
    )
  })
})

describe('one reader and one writer at a time', () => {
  it('a second reader gets ReadResourceBusy at once; the first still gets the data', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      const first = yield* spawn(conn.recv(100))
      yield* turn()
      expect(yield* expectThrow(conn.recv(100))).toBeInstanceOf(ReadResourceBusy)
      expect(yield* expectThrow(conn.asStream().readline())).toBeInstanceOf(ReadResourceBusy)
      peer.write('one')
      expect((yield* first.join()).toString()).toBe('one')
      const acceptor = yield* spawn(server.accept())
      yield* turn()
      expect(yield* expectThrow(server.accept())).toBeInstanceOf(ReadResourceBusy)
      yield* acceptor.cancel()
      peer.destroy()
      conn.close()
      server.close()
    })
  })

  it('a second writer gets WriteResourceBusy at once while the first waits for the peer', async () => {
    await run(function* () {
      const [conn, peer, server] = yield* pair()
      peer.pause()
      const big = Buffer.alloc(32 * 1024 * 1024, 1)
      const writer = yield* spawn(conn.sendall(big))
      while (writer.state !== 'WRITE_WAIT') yield* turn()
      expect(yield* expectThrow(conn.sendall(Buffer.from('x')))).toBeInstanceOf(WriteResourceBusy)
      let received = 0
      peer.on('data', (chunk: Buffer) => {
        received += chunk.length
      })
      peer.resume()
      yield* writer.join()
      while (received < big.length) yield* turn()
      expect(received).toBe(big.length)
      peer.destroy()
      conn.close()
      server.close()
    })
  })
})
