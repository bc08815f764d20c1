import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Operation, ResourceBusy, run, schedule, spawn } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { aopen, IncompleteRead } from '../src/index.js'
import { expectThrow } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'curio-files-'))
let n = 0
function tmp(content?: string): string {
  const path = join(dir, `f${n++}.txt`)
  if (content !== undefined) writeFileSync(path, content)
  return path
}

describe('aopen and FileStream', () => {
  it('writelines writes each line of an iterable as it takes it (lazily, as Curio)', async () => {
    const path = tmp()
    const boom = new Error('the source broke after two lines')
    function* source(): Generator<string> {
      yield 'one\n'
      yield 'two\n'
      throw boom
    }
    await run(function* () {
      using out = yield* aopen(path, 'w')
      expect(yield* expectThrow(out.writelines(source()))).toBe(boom)
      yield* out.flush()
    })
    // Read whole first, nothing would have been written.
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n')
  })

  it('writes, then reads back by line, by count and to the end', async () => {
    const path = tmp()
    await run(function* () {
      using out = yield* aopen(path, 'w')
      yield* out.write(Buffer.from('one\n'))
      yield* out.writelines(['two\n', Buffer.from('three')])
      yield* out.flush()
    })
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\nthree')
    await run(function* () {
      using f = yield* aopen(path, 'rb')
      expect((yield* f.readline()).toString()).toBe('one\n')
      expect(yield* f.tell()).toBe(4)
      expect((yield* f.read(2)).toString()).toBe('tw')
      expect((yield* f.readlines()).map(String)).toEqual(['o\n', 'three'])
      expect((yield* f.readline()).length).toBe(0)
      expect((yield* f.read()).length).toBe(0)
      expect(yield* f.seek(-5, 2)).toBe(8)
      expect((yield* f.readExactly(5)).toString()).toBe('three')
      yield* f.seek(0)
      const error = yield* expectThrow(f.readExactly(100))
      expect(error).toBeInstanceOf(IncompleteRead)
      expect(error.partial.toString()).toBe('one\ntwo\nthree')
    })
  })

  it('eachLine runs an operation (or a plain function) per line', async () => {
    const path = tmp('a\nbb\nccc\n')
    const seen = await run(function* () {
      using f = yield* aopen(path)
      const lines: string[] = []
      yield* f.eachLine(function* (line): Operation<void> {
        yield* schedule()
        lines.push(line.toString())
      })
      yield* f.seek(0)
      yield* f.eachLine((line) => lines.push(`plain ${line.length}`))
      return lines
    })
    expect(seen).toEqual(['a\n', 'bb\n', 'ccc\n', 'plain 2', 'plain 3', 'plain 4'])
  })

  it('append mode writes at the end; r+ overwrites in place; truncate cuts', async () => {
    const path = tmp('hello\n')
    await run(function* () {
      using a = yield* aopen(path, 'a')
      yield* a.write('world\n')
      expect(yield* a.tell()).toBe(12)
    })
    await run(function* () {
      using f = yield* aopen(path, 'r+')
      yield* f.seek(1)
      yield* f.write('E')
      expect(yield* f.tell()).toBe(2)
      expect((yield* f.readline()).toString()).toBe('llo\n')
      expect(yield* f.truncate(3)).toBe(3)
    })
    expect(readFileSync(path, 'utf8')).toBe('hEl')
  })

  it("bad paths and modes give Node's errors; an invalid mode is a TypeError", async () => {
    const path = tmp('x')
    await run(function* () {
      expect((yield* expectThrow(aopen(join(dir, 'missing.txt')))).code).toBe('ENOENT')
      expect((yield* expectThrow(aopen(dir, 'r'))).code).toBe('EISDIR')
      expect((yield* expectThrow(aopen(dir, 'w'))).code).toBe('EISDIR')
      expect((yield* expectThrow(aopen(path, 'x'))).code).toBe('EEXIST')
      for (const mode of ['', 'q', 'rw', 'rr', 'rbt', 'r++']) {
        expect(yield* expectThrow(aopen(path, mode))).toBeInstanceOf(TypeError)
      }
      using f = yield* aopen(path, 'r')
      expect((yield* expectThrow(f.write('no'))).code).toBe('EBADF')
    })
  })

  it('a cancelled read moves nothing; a second caller is refused; close makes later calls EBADF', async () => {
    const path = tmp('first\nsecond\n')
    await run(function* () {
      const f = yield* aopen(path)
      const reader = yield* spawn(f.readline())
      yield* schedule()
      expect(yield* expectThrow(f.readline())).toBeInstanceOf(ResourceBusy)
      yield* reader.cancel()
      expect((yield* f.readline()).toString()).toBe('first\n')
      f.close()
      expect((yield* expectThrow(f.readline())).code).toBe('EBADF')
      expect((yield* expectThrow(f.flush())).code).toBe('EBADF')
    })
  })
})
