// Message channels between curio tasks: the frame rules (nothing lost, nothing misaligned),
// the handshake, and Channel's accept/connect. The Python peers are in channel-python.test.ts.

import { mkdtempSync, rmSync } from 'node:fs'
import { connect as netConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import {
  awaitPromise,
  clock,
  type Operation,
  ReadResourceBusy,
  run,
  sleep,
  spawn,
  TaskTimeout,
  timeoutAfter,
  WriteResourceBusy,
} from '@curio/kernel'
import { afterAll, describe, expect, it } from 'vitest'
import { AuthenticationError, Channel, ChannelError, Connection, EOFError, NodeStream } from '../src/index.js'
import { encodeFrame } from '../src/internal/frame.js'
import { expectThrow, readBytes } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'curio-channel-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A frame as Python writes it. */
function frame(text: string | Buffer, shortMax?: number): Buffer {
  const data = Buffer.from(text)
  return encodeFrame(data, 0, data.length, shortMax)
}

/** A connection reading what the test writes to `input` (in memory, one chunk per write). */
function fed(): [Connection, PassThrough] {
  const input = new PassThrough()
  return [new Connection(new NodeStream(input), new NodeStream(new PassThrough())), input]
}

/** Both ends of a channel on 127.0.0.1, with `authkey` on both sides. */
function* connectedPair(authkey?: string): Operation<[Connection, Connection, Channel]> {
  const channel = new Channel(['127.0.0.1', 0])
  channel.bind()
  const server = yield* spawn(channel.accept({ authkey }))
  const client = yield* new Channel(channel.address).connect({ authkey })
  return [yield* server.join(), client, channel]
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString()

describe('Connection frames', () => {
  it('sends structured-clone values between Node peers, after the handshake', async () => {
    await run(function* () {
      const [server, client, channel] = yield* connectedPair('peekaboo')
      const value = { n: 1n << 70n, when: new Date(0), tags: new Set(['a']), map: new Map([[1, [2, 3]]]) }
      yield* client.send(value)
      expect(yield* server.recv()).toEqual(value)
      yield* server.send(new Uint8Array([1, 2, 3]))
      expect(yield* client.recv()).toEqual(new Uint8Array([1, 2, 3]))
      expect(server.address).toEqual(['127.0.0.1', expect.any(Number)])
      yield* server.sendBytes(Buffer.from('not v8'))
      expect(yield* expectThrow(client.recv())).toBeInstanceOf(ChannelError)
      server.close()
      client.close()
      channel.close()
    })
  })

  it('sendBytes takes a slice, and refuses a bad one with RangeError as Python does', async () => {
    await run(function* () {
      const [server, client, channel] = yield* connectedPair()
      const data = Buffer.from('abcdefghijklmnopqrstuvwxyz')
      expect(yield* server.sendBytes(data, 5, 10)).toBe(10)
      yield* server.sendBytes(data, 5)
      yield* server.sendBytes(data, 0, 10)
      expect(text(yield* client.recvBytes())).toBe('fghijklmno')
      expect(text(yield* client.recvBytes())).toBe('fghijklmnopqrstuvwxyz')
      expect(text(yield* client.recvBytes())).toBe('abcdefghij')
      for (const [offset, size, message] of [
        [50, undefined, 'buffer length < offset'],
        [0, 50, 'buffer length < offset + size'],
        [-10, undefined, 'offset is negative'],
        [0, -10, 'size is negative'],
      ] as const) {
        const error = yield* expectThrow(server.sendBytes(data, offset, size))
        expect([error.constructor, error.message]).toEqual([RangeError, message])
      }
      server.close()
      client.close()
      channel.close()
    })
  })

  it('reads the 8-byte length form (Python’s, for 2 GiB and more)', async () => {
    await run(function* () {
      const [conn, input] = fed()
      const long = frame('long', 0)
      expect(long.readInt32BE(0)).toBe(-1)
      // Split inside the 8-byte length: the halves still make one message.
      input.write(long.subarray(0, 7))
      input.write(Buffer.concat([long.subarray(7), frame('next')]))
      expect(text(yield* conn.recvBytes())).toBe('long')
      expect(text(yield* conn.recvBytes())).toBe('next')
    })
  })

  it('a message over maxlength is read off and rejected; the next one lines up', async () => {
    await run(function* () {
      const [conn, input] = fed()
      input.write(frame(Buffer.alloc(300_000, 1)))
      input.write(frame('after'))
      const error = yield* expectThrow(conn.recvBytes(1000))
      expect(error).toBeInstanceOf(ChannelError)
      expect(error.message).toMatch(/300000 bytes is longer than maxlength \(1000 bytes\)/)
      expect(text(yield* conn.recvBytes(1000))).toBe('after')
    })
  })

  it('recvBytesInto fills the buffer at offset; a message that does not fit is rejected, and the next lines up', async () => {
    await run(function* () {
      const [conn, input] = fed()
      input.write(Buffer.concat([frame('hello'), frame('too long for it'), frame('fits')]))
      const buf = Buffer.alloc(8, '.')
      expect(yield* conn.recvBytesInto(buf, 2)).toBe(5)
      expect(buf.toString()).toBe('..hello.')
      expect(yield* expectThrow(conn.recvBytesInto(buf, 2))).toBeInstanceOf(ChannelError)
      expect(yield* conn.recvBytesInto(buf)).toBe(4)
      expect(buf.toString()).toBe('fitsllo.')
      expect(yield* expectThrow(conn.recvBytesInto(buf, 9))).toBeInstanceOf(RangeError)
    })
  })

  it('a recvBytes cancelled inside a frame loses nothing: the next call returns the message whole', async () => {
    await run(function* () {
      const [conn, input] = fed()
      const second = frame('the second message')
      // One chunk: the first message, the second's header and half its payload.
      input.write(Buffer.concat([frame('first'), second.subarray(0, 12)]))
      expect(text(yield* conn.recvBytes())).toBe('first')
      // The reader takes the buffered header, then blocks for the rest: cancelled there.
      const reader = yield* spawn(conn.recvBytes())
      yield* reader.cancel()
      input.write(second.subarray(12))
      expect(text(yield* conn.recvBytes())).toBe('the second message')
    })
  })

  it('a recvBytes timed out inside a frame, or inside a rejected one, loses nothing', async () => {
    await run(function* () {
      const [conn, input] = fed()
      const big = frame(Buffer.alloc(100, 7))
      input.write(big.subarray(0, 50))
      expect(yield* expectThrow(timeoutAfter(5, conn.recvBytes()))).toBeInstanceOf(TaskTimeout)
      input.write(big.subarray(50))
      expect((yield* conn.recvBytes()).length).toBe(100)
      // Timed out while dropping a message over maxlength: the rest is still dropped.
      input.write(big.subarray(0, 50))
      expect(yield* expectThrow(timeoutAfter(5, conn.recvBytes(10)))).toBeInstanceOf(TaskTimeout)
      input.write(Buffer.concat([big.subarray(50), frame('short')]))
      expect(text(yield* conn.recvBytes(10))).toBe('short')
    })
  })

  it('EOFError at a clean end of stream, and when the peer closes inside a frame', async () => {
    await run(function* () {
      const [conn, input] = fed()
      input.end(frame('last'))
      expect(text(yield* conn.recvBytes())).toBe('last')
      const error = yield* expectThrow(conn.recvBytes())
      expect([error.constructor, error.message]).toEqual([EOFError, 'end of stream'])
      expect(yield* expectThrow(conn.recvBytes())).toBeInstanceOf(EOFError)
      for (const cut of [2, 4, 6]) {
        const [torn, tornInput] = fed()
        tornInput.end(frame('cut short').subarray(0, cut))
        const inside = yield* expectThrow(torn.recvBytes())
        expect([inside.constructor, inside.message]).toEqual([EOFError, 'the stream ended inside a message'])
      }
    })
  })

  it('two tasks receiving at once: the second gets ReadResourceBusy', async () => {
    await run(function* () {
      const [conn, input] = fed()
      const first = yield* spawn(conn.recvBytes())
      yield* sleep(0)
      expect(yield* expectThrow(conn.recvBytes())).toBeInstanceOf(ReadResourceBusy)
      input.write(frame('for the first'))
      expect(text(yield* first.join())).toBe('for the first')
    })
  })

  it('a send timed out against a full peer still sends the whole frame; a second sender meanwhile gets WriteResourceBusy', async () => {
    await run(function* () {
      const channel = new Channel(['127.0.0.1', 0])
      channel.bind()
      const [, port] = channel.address as [string, number]
      const peer = netConnect(port, '127.0.0.1')
      peer.pause()
      const conn = yield* channel.accept()
      const big = Buffer.alloc(16 * 1024 * 1024, 3)
      const sender = yield* spawn(timeoutAfter(50, conn.sendBytes(big)))
      yield* sleep(0)
      expect(yield* expectThrow(conn.sendBytes(Buffer.from('x')))).toBeInstanceOf(WriteResourceBusy)
      expect((yield* expectThrow(sender.join())).cause).toBeInstanceOf(TaskTimeout)
      // The peer reads on: the whole big frame, then the next one.
      const received = readBytes(peer, 4 + big.length + 4 + 5)
      peer.resume()
      yield* conn.sendBytes(Buffer.from('after'))
      conn.close()
      const all = yield* awaitPromise(received)
      expect(all.readInt32BE(0)).toBe(big.length)
      expect(all.subarray(4 + big.length).equals(frame('after'))).toBe(true)
      peer.destroy()
      channel.close()
    })
  })
})

describe('authentication', () => {
  it('a wrong key fails on both sides, each with its own message', async () => {
    await run(function* () {
      const [a, b] = yield* connectedPair()
      const server = yield* spawn(a.authenticateServer('one'))
      const client = yield* expectThrow(b.authenticateClient('two'))
      expect([client.constructor, client.message]).toEqual([AuthenticationError, 'digest sent was rejected'])
      const error = (yield* expectThrow(server.join())).cause
      expect([error.constructor, error.message]).toEqual([AuthenticationError, 'digest received was wrong'])
    })
  })

  it('a peer that sends no challenge fails the handshake instead of waiting', async () => {
    await run(function* () {
      const [conn, input] = fed()
      input.write(frame('hello, no challenge here'))
      const error = yield* expectThrow(conn.authenticateClient('key'))
      expect(error).toBeInstanceOf(AuthenticationError)
      input.write(frame(Buffer.alloc(1000)))
      expect(yield* expectThrow(conn.authenticateClient('key'))).toBeInstanceOf(AuthenticationError)
    })
  })

  it('a huge length in the handshake is refused at once, not read off', async () => {
    await run(function* () {
      const [conn, input] = fed()
      const header = Buffer.alloc(4)
      header.writeInt32BE(1 << 30)
      input.write(header) // a gigabyte announced, none of it sent: refusing must not wait for it
      const error = yield* expectThrow(conn.authenticateClient('key'))
      expect(error).toBeInstanceOf(AuthenticationError)
      expect(error.message).toMatch(/1073741824 bytes is longer than an authentication message/)
    })
  })

  it('an empty authkey is refused, since it would authenticate anybody', async () => {
    await run(function* () {
      const error = yield* expectThrow(new Channel(['127.0.0.1', 0]).accept({ authkey: '' }))
      expect(error).toBeInstanceOf(TypeError)
    })
  })
})

describe('Channel', () => {
  it('over a Unix socket path, with a key', async () => {
    await run(function* () {
      const path = join(dir, 'node.sock')
      using channel = new Channel(path)
      channel.bind()
      const server = yield* spawn(channel.accept({ authkey: 'k' }))
      using client = yield* new Channel(path).connect({ authkey: 'k' })
      using conn = yield* server.join()
      yield* client.send(['ping', 1])
      expect(yield* conn.recv()).toEqual(['ping', 1])
    })
  })

  it('accept closes connections refused by checkAddress and keeps waiting', async () => {
    await run(function* () {
      let allow = false
      const seen: unknown[] = []
      using channel = new Channel(['127.0.0.1', 0], {
        checkAddress: (addr) => {
          seen.push(addr)
          return allow
        },
      })
      channel.bind()
      const accepting = yield* spawn(channel.accept())
      const refused = yield* new Channel(channel.address).connect()
      expect(yield* expectThrow(refused.recvBytes())).toBeInstanceOf(EOFError)
      expect(accepting.terminated).toBe(false)
      allow = true
      using client = yield* new Channel(channel.address).connect()
      using conn = yield* accepting.join()
      expect(seen).toEqual([conn.address, conn.address].map(() => ['127.0.0.1', expect.any(Number)]))
      yield* client.sendBytes(Buffer.from('let in'))
      expect(text(yield* conn.recvBytes())).toBe('let in')
    })
  })

  it('a checkAddress that throws: accept throws it, and the connection is closed', async () => {
    await run(function* () {
      using channel = new Channel(['127.0.0.1', 0], {
        checkAddress: () => {
          throw new Error('no list of addresses')
        },
      })
      channel.bind()
      const accepting = yield* spawn(channel.accept())
      using client = yield* new Channel(channel.address).connect()
      expect((yield* expectThrow(accepting.join())).cause.message).toBe('no list of addresses')
      expect(yield* expectThrow(client.recvBytes())).toBeInstanceOf(EOFError)
    })
  })

  it('accept drops a client that does not answer the challenge within 1 s and takes the next', async () => {
    await run(function* () {
      using channel = new Channel(['127.0.0.1', 0])
      channel.bind()
      const [, port] = channel.address as [string, number]
      const start = yield* clock()
      const accepting = yield* spawn(channel.accept({ authkey: 'k' }))
      const silent = netConnect(port, '127.0.0.1')
      // It gets the challenge, never answers, and is closed after the limit.
      const silentGot = readBytes(silent, 4)
      const silentClosed = new Promise((resolve) => silent.once('end', resolve))
      yield* awaitPromise(silentGot)
      const good = yield* spawn(new Channel(channel.address).connect({ authkey: 'k' }))
      using conn = yield* accepting.join()
      yield* awaitPromise(silentClosed)
      expect((yield* clock()) - start).toBeGreaterThanOrEqual(1000)
      using client = yield* good.join()
      yield* client.sendBytes(Buffer.from('second'))
      expect(text(yield* conn.recvBytes())).toBe('second')
      silent.destroy()
    })
  })

  it('connect tries again every second until somebody listens (real clock)', async () => {
    await run(function* () {
      const path = join(dir, 'late.sock')
      const start = yield* clock()
      const connecting = yield* spawn(new Channel(path).connect())
      yield* sleep(0)
      expect(connecting.terminated).toBe(false)
      using channel = new Channel(path)
      using conn = yield* channel.accept()
      using client = yield* connecting.join()
      expect((yield* clock()) - start).toBeGreaterThanOrEqual(1000)
      yield* client.sendBytes(Buffer.from('late'))
      expect(text(yield* conn.recvBytes())).toBe('late')
    })
  })

  it('refuses a malformed address, and bind after close', () => {
    expect(() => new Channel(['127.0.0.1'] as never)).toThrow(TypeError)
    const channel = new Channel(['127.0.0.1', 0])
    channel.close()
    expect(() => channel.bind()).toThrow(ChannelError)
  })
})
