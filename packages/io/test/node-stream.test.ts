import { spawn as spawnChild } from 'node:child_process'
import { once } from 'node:events'
import { PassThrough, Readable, Writable } from 'node:stream'
import { awaitPromise, run, schedule, spawn } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { IncompleteRead, NodeStream, type Stream } from '../src/index.js'
import { expectThrow } from './helpers.js'

describe('NodeStream', () => {
  it('streams through a child process’s pipes (net.Sockets), each used one way', async () => {
    await run(function* () {
      const child = spawnChild('cat', [], { stdio: ['pipe', 'pipe', 'inherit'] })
      const input: Stream = new NodeStream(child.stdin, { readable: false })
      using output = new NodeStream(child.stdout, { writable: false })
      yield* input.write('one\n')
      yield* input.writelines([Buffer.from('two\n'), 'three'])
      yield* input.flush()
      input.close()
      expect((yield* output.readline()).toString()).toBe('one\n')
      expect((yield* output.readlines()).map(String)).toEqual(['two\n', 'three'])
      expect((yield* output.read()).length).toBe(0)
      // Each direction refuses the other, with EBADF.
      expect((yield* expectThrow(output.write('x'))).code).toBe('EBADF')
      expect((yield* expectThrow(input.read())).code).toBe('EBADF')
    })
  })

  it('reads and writes a { readable, writable } pair; readExactly throws IncompleteRead', async () => {
    const from = new PassThrough()
    const to = new PassThrough()
    await run(function* () {
      using stream = new NodeStream({ readable: from, writable: to })
      from.end('abcdef')
      expect((yield* stream.readExactly(4)).toString()).toBe('abcd')
      const error = yield* expectThrow(stream.readExactly(4))
      expect(error).toBeInstanceOf(IncompleteRead)
      expect(Buffer.from(error.partial).toString()).toBe('ef')
      yield* stream.write('sent')
      expect(to.read()?.toString()).toBe('sent')
    })
  })

  it('a read-only Readable or a write-only Writable is used its own way by default', async () => {
    await run(function* () {
      using input = new NodeStream(Readable.from([Buffer.from('a\nb\n')]))
      expect((yield* expectThrow(input.write('x'))).code).toBe('EBADF')
      const lines: string[] = []
      yield* input.eachLine((line) => lines.push(line.toString()))
      expect(lines).toEqual(['a\n', 'b\n'])
      const got: Buffer[] = []
      using output = new NodeStream(
        new Writable({
          write: (chunk: Buffer, _encoding, done) => {
            got.push(chunk)
            done()
          },
        }),
      )
      expect((yield* expectThrow(output.readline())).code).toBe('EBADF')
      yield* output.write('x')
      expect(Buffer.concat(got).toString()).toBe('x')
    })
  })

  it('a read cancelled while waiting loses nothing', async () => {
    const source = new PassThrough()
    await run(function* () {
      using stream = new NodeStream(source, { writable: false })
      const reader = yield* spawn(() => stream.read(100))
      yield* schedule() // the reader is now waiting
      expect(reader.state).toBe('READ_WAIT')
      yield* reader.cancel()
      source.end('kept')
      expect((yield* stream.read()).toString()).toBe('kept')
    })
  })

  it('stops reading from a source nobody reads once a few hundred KiB are buffered', async () => {
    const source = new PassThrough()
    const chunk = Buffer.alloc(64 * 1024, 7)
    await run(function* () {
      using stream = new NodeStream(source, { writable: false })
      // Without flow control the source would take all 4 MiB without complaint.
      let sent = 0
      for (let full = false; !full && sent < 4 << 20; sent += chunk.length) full = !source.write(chunk)
      expect(sent).toBeLessThanOrEqual(512 * 1024) // the source's own buffer filled up
      source.end()
      expect((yield* stream.read()).length).toBe(sent) // and every byte still arrives
    })
  })

  it('writing to a child that has exited throws EPIPE (no crash); closing the read side destroys it', async () => {
    await run(function* () {
      const child = spawnChild('sh', ['-c', 'exit 0'], { stdio: ['pipe', 'pipe', 'inherit'] })
      yield* awaitPromise(once(child, 'exit'))
      using input = new NodeStream(child.stdin, { readable: false })
      const big = Buffer.alloc(1024 * 1024)
      const error = yield* expectThrow(
        (function* () {
          for (let i = 0; i < 10; i++) yield* input.write(big)
        })(),
      )
      expect(error.code).toBe('EPIPE')
      const output = new NodeStream(child.stdout, { writable: false })
      output.close()
      expect(child.stdout.destroyed).toBe(true)
      expect((yield* expectThrow(output.read())).code).toBe('EBADF')
    })
  })
})
