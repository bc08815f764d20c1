import type { Socket as NetSocket } from 'node:net'
import { awaitPromise, ignoreAfter, type Operation, run, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { IncompleteRead, openConnection, type SocketStream } from '../src/index.js'
import { closeServer, expectThrow, nodeServer, readAll } from './helpers.js'

/** Connect a curio stream to a plain node:net peer that runs `peer`. */
async function withPeer(
  peer: (sock: NetSocket) => void,
  body: (stream: SocketStream) => Operation<void>,
): Promise<void> {
  // Half-open, so the peer can still answer after our FIN; it closes once it has read ours.
  const server = await nodeServer(
    (s) => {
      s.on('end', () => s.end())
      peer(s)
    },
    { allowHalfOpen: true },
  )
  await run(function* () {
    using stream = (yield* openConnection('127.0.0.1', server.port)).asStream()
    yield* body(stream)
  })
  await closeServer(server)
}

describe('SocketStream', () => {
  it('readline returns each line with its newline, then the unterminated rest, then empty', async () => {
    await withPeer(
      (s) => {
        s.write('one\ntw')
        setImmediate(() => s.end('o\n\nlast'))
      },
      function* (stream) {
        const lines: string[] = []
        for (let line = yield* stream.readline(); line.length > 0; line = yield* stream.readline()) {
          lines.push(line.toString())
        }
        expect(lines).toEqual(['one\n', 'two\n', '\n', 'last'])
        expect((yield* stream.readline()).length).toBe(0)
      },
    )
  })

  it('readlines returns every line until end of stream', async () => {
    await withPeer(
      (s) => s.end('a\nb\nc'),
      function* (stream) {
        expect((yield* stream.readlines()).map(String)).toEqual(['a\n', 'b\n', 'c'])
      },
    )
  })

  it('read(n) returns what has arrived, up to n; read() reads to end of stream', async () => {
    await withPeer(
      (s) => {
        s.write('0123456789')
        setImmediate(() => s.end('abc'))
      },
      function* (stream) {
        expect((yield* stream.read(4)).toString()).toBe('0123')
        expect((yield* stream.read()).toString()).toBe('456789abc')
        expect((yield* stream.read(10)).length).toBe(0)
      },
    )
  })

  it('readExactly waits for exactly n bytes; at an early end it throws IncompleteRead with the partial bytes', async () => {
    await withPeer(
      (s) => {
        s.write('he')
        setImmediate(() => s.write('llo wor'))
        setTimeout(() => s.end('ld'), 5)
      },
      function* (stream) {
        expect((yield* stream.readExactly(5)).toString()).toBe('hello')
        const error = yield* expectThrow(stream.readExactly(10))
        expect(error).toBeInstanceOf(IncompleteRead)
        expect(Buffer.from(error.partial).toString()).toBe(' world')
        expect(error.expected).toBe(10)
      },
    )
  })

  it('write, writelines and flush deliver everything in order; the socket and stream share one buffer', async () => {
    let echoed!: Promise<Buffer>
    await withPeer(
      (s) => {
        echoed = readAll(s)
        s.write('x\ny\n')
      },
      function* (stream) {
        yield* stream.write(Buffer.from('first '))
        yield* stream.writelines([Buffer.from('second '), Buffer.from('third')])
        yield* stream.flush()
        stream.socket.shutdown(1)
        expect((yield* stream.socket.recv(2)).toString()).toBe('x\n')
        expect((yield* stream.readline()).toString()).toBe('y\n')
        expect((yield* awaitPromise(echoed)).toString()).toBe('first second third')
      },
    )
  })

  it('writelines takes an endless iterable lazily: backpressure blocks it and a timeout ends it (Curio test_writelines_timeout)', async () => {
    const LINE = 64 * 1024
    let taken = 0
    function* endless(): Generator<Uint8Array> {
      for (;;) {
        taken++
        yield Buffer.alloc(LINE, 0x61)
      }
    }
    let received!: Promise<Buffer>
    let release!: () => void
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    await withPeer(
      (s) => {
        // A peer that reads nothing until the writer has given up: the buffers fill.
        s.pause()
        received = released.then(() => {
          const all = readAll(s)
          s.resume()
          return all
        })
      },
      function* (stream) {
        const error = yield* expectThrow(timeoutAfter(300, stream.writelines(endless())))
        expect(error).toBeInstanceOf(TaskTimeout)
        // Bounded by the socket buffers, not by memory: a few MB at most.
        expect(taken).toBeGreaterThan(0)
        expect(taken * LINE).toBeLessThan(64 * 1024 * 1024)
        release()
        stream.socket.shutdown(1)
        // Every line it took was written, and nothing more (Curio: bytes_written == len(read)).
        expect((yield* awaitPromise(received)).length).toBe(taken * LINE)
      },
    )
  })

  it('a closed stream throws EBADF', async () => {
    await withPeer(
      () => {},
      function* (stream) {
        stream.close()
        expect(yield* expectThrow(stream.readline())).toMatchObject({ code: 'EBADF' })
        expect(yield* expectThrow(stream.write(Buffer.from('x')))).toMatchObject({ code: 'EBADF' })
      },
    )
  })
})

describe('SocketStream cancellation', () => {
  it('a timed-out readlines has taken nothing: the next one returns every line', async () => {
    let finish = () => {}
    await withPeer(
      (s) => {
        s.write('a\nb')
        finish = () => s.end('\nc')
      },
      function* (stream) {
        expect(yield* ignoreAfter(20, stream.readlines(), { timeoutResult: 'timeout' })).toBe('timeout')
        finish()
        expect((yield* stream.readlines()).map(String)).toEqual(['a\n', 'b\n', 'c'])
      },
    )
  })
})
