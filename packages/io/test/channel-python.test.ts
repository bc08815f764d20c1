// Channels against a real peer: python3 running the standard library's
// multiprocessing.connection (fixtures/mp_peer.py), in Python 3.11's handshake and in
// CPython 3.12's {sha256} one.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { awaitPromise, type Operation, run, spawn } from '@curio/kernel'
import { afterAll, describe, expect, it } from 'vitest'
import { AuthenticationError, Channel, Connection, NodeStream } from '../src/index.js'
import { encodeFrame } from '../src/internal/frame.js'
import { expectThrow } from './helpers.js'
import { pythonPeer } from './python-peer.js'

/** 0 bytes to several MiB, around Python's 16 KiB split between one write and two. */
const SIZES = [0, 1, 100, 16383, 16384, 16385, 65536, 4 * 1024 * 1024 + 3]

const dir = mkdtempSync(join(tmpdir(), 'curio-channel-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Send each size to an echoing peer; every message must come back whole, in order. */
function* echoSizes(conn: Connection): Operation<void> {
  for (const size of SIZES) {
    const message = randomBytes(size)
    expect(yield* conn.sendBytes(message)).toBe(size)
    const back = yield* conn.recvBytes()
    expect(back.length).toBe(size)
    expect(Buffer.compare(back, message)).toBe(0)
  }
}

function parseAddress(line: string): [string, number] {
  const [, host, port] = /^ready (.*):(\d+)$/.exec(line)!
  return [host!, Number(port)]
}

describe.each(['3.11', '3.12'] as const)('a Python %s peer', (dialect) => {
  it('as a Listener: a curio client exchanges 0 B to 4 MiB both ways, with the right key', async () => {
    const peer = pythonPeer('listen', '127.0.0.1:0', 'peekaboo', dialect)
    await run(function* () {
      const address = parseAddress(yield* awaitPromise(peer.line()))
      using conn = yield* new Channel(address).connect({ authkey: 'peekaboo' })
      yield* echoSizes(conn)
      conn.close()
      expect(yield* awaitPromise(peer.line())).toBe('done')
    })
    expect(await peer.exited).toBe(0)
  })

  it('as a Listener: a wrong key fails on both sides', async () => {
    const peer = pythonPeer('listen', '127.0.0.1:0', 'peekaboo', dialect)
    await run(function* () {
      const address = parseAddress(yield* awaitPromise(peer.line()))
      const error = yield* expectThrow(new Channel(address).connect({ authkey: 'wrong' }))
      expect(error).toBeInstanceOf(AuthenticationError)
      expect(error.message).toBe('digest sent was rejected')
      expect(yield* awaitPromise(peer.line())).toMatch(/^AuthenticationError digest received was wrong/)
    })
    expect(await peer.exited).toBe(0)
  })

  it('as a Client: curio accepts it with the right key, after refusing one with a wrong key', async () => {
    await run(function* () {
      using channel = new Channel(['127.0.0.1', 0])
      channel.bind()
      const [host, port] = channel.address as [string, number]
      const accepting = yield* spawn(channel.accept({ authkey: Buffer.from('peekaboo') }))
      // The wrong client is told so, and the server goes on accepting.
      const wrong = pythonPeer('client', `${host}:${port}`, 'wrong', dialect)
      expect(yield* awaitPromise(wrong.line())).toBe('AuthenticationError digest sent was rejected')
      expect(yield* awaitPromise(wrong.exited)).toBe(0)
      expect(accepting.terminated).toBe(false)
      const right = pythonPeer('client', `${host}:${port}`, 'peekaboo', dialect)
      using conn = yield* accepting.join()
      expect(yield* awaitPromise(right.line())).toBe('ready')
      yield* echoSizes(conn)
      conn.close()
      expect(yield* awaitPromise(right.line())).toBe('done')
      expect(yield* awaitPromise(right.exited)).toBe(0)
    })
  })
})

describe('a Python 3.11 peer without a key', () => {
  it('talks to a curio server on a Unix socket', async () => {
    await run(function* () {
      const path = join(dir, 'plain.sock')
      using channel = new Channel(path)
      const peer = pythonPeer('client', path)
      using conn = yield* channel.accept()
      expect(yield* awaitPromise(peer.line())).toBe('ready')
      yield* echoSizes(conn)
      conn.close()
      expect(yield* awaitPromise(peer.line())).toBe('done')
      expect(yield* awaitPromise(peer.exited)).toBe(0)
    })
  })

  it('talks over a child process’s pipes, the 8-byte length form included', async () => {
    const peer = pythonPeer('pipes', '-')
    await run(function* () {
      using conn = new Connection(
        new NodeStream(peer.child.stdout!, { writable: false }),
        new NodeStream(peer.child.stdin!, { readable: false }),
      )
      yield* echoSizes(conn)
      // Python reads a frame in the long form (-1, then 8 bytes) whatever its size.
      const writer = new NodeStream(peer.child.stdin!, { readable: false })
      yield* writer.write(encodeFrame(Buffer.from('long form'), 0, 9, 0))
      expect(Buffer.from(yield* conn.recvBytes()).toString()).toBe('long form')
      conn.close()
    })
    expect(await peer.exited).toBe(0)
  })
})
