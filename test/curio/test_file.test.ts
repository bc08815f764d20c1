// Curio's tests/test_file.py, translated. Files read as bytes here (Buffer); Curio's text
// mode ('r') decodes, so the ports compare with toString().
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { aopen } from 'curio'
import { describe, expect, it } from 'vitest'
import { vrun } from './support.js'

const dir = mkdtempSync(join(tmpdir(), 'curio-test-file-'))
const testinput = join(dir, 'testdata.txt')
writeFileSync(testinput, 'line 1\nline 2\nline 3\n')
const wlines = ['line1\n', 'line2\n', 'line3\n']
let n = 0
const tmpName = () => join(dir, `tmp${n++}.txt`)

describe('test_file.py', () => {
  it('test_file.py::test_read', async () => {
    await vrun(function* () {
      using f = yield* aopen(testinput, 'r')
      expect((yield* f.read()).toString()).toBe('line 1\nline 2\nline 3\n')
    })
  })

  it('test_file.py::test_readall', async () => {
    // From an earlier version of Curio's test_file.py: readall() is read() with no count.
    await vrun(function* () {
      using f = yield* aopen(testinput, 'r')
      expect((yield* f.read(-1)).toString()).toBe('line 1\nline 2\nline 3\n')
    })
  })

  it('test_file.py::test_read1', async () => {
    await vrun(function* () {
      using f = yield* aopen(testinput, 'rb')
      const data = yield* f.read(1000)
      expect(data).toEqual(readFileSync(testinput).subarray(0, 1000))
    })
  })

  it('test_file.py::test_readline', async () => {
    await vrun(function* () {
      using f = yield* aopen(testinput, 'r')
      const lines: string[] = []
      for (;;) {
        const line = yield* f.readline()
        if (line.length === 0) break
        lines.push(line.toString())
      }
      expect(lines).toEqual(['line 1\n', 'line 2\n', 'line 3\n'])
    })
  })

  it('test_file.py::test_readlines', async () => {
    await vrun(function* () {
      using f = yield* aopen(testinput, 'r')
      expect((yield* f.readlines()).map(String)).toEqual(['line 1\n', 'line 2\n', 'line 3\n'])
    })
  })

  it('test_file.py::test_readiter', async () => {
    // Curio's `async for line in f` is eachLine.
    await vrun(function* () {
      using f = yield* aopen(testinput, 'r')
      const lines: string[] = []
      yield* f.eachLine((line) => lines.push(line.toString()))
      expect(lines).toEqual(['line 1\n', 'line 2\n', 'line 3\n'])
    })
  })

  it('test_file.py::test_read_anext', async () => {
    // anext(f, '') is readline() with an empty line at the end.
    await vrun(function* () {
      using f = yield* aopen(testinput, 'r')
      const lines: string[] = []
      for (let line = yield* f.readline(); line.length > 0; line = yield* f.readline())
        lines.push(line.toString())
      expect(lines).toEqual(['line 1\n', 'line 2\n', 'line 3\n'])
    })
  })

  it('test_file.py::test_write', async () => {
    const outname = tmpName()
    const outdata = wlines.join('')
    await vrun(function* () {
      using f = yield* aopen(outname, 'w')
      yield* f.write(outdata)
      yield* f.flush()
    })
    expect(readFileSync(outname, 'utf8')).toBe(outdata)
  })

  it('test_file.py::test_writelines', async () => {
    const outname = tmpName()
    await vrun(function* () {
      using f = yield* aopen(outname, 'w')
      yield* f.writelines(wlines)
    })
    expect(readFileSync(outname, 'utf8')).toBe(wlines.join(''))
  })

  it('test_file.py::test_seek_tell', async () => {
    await vrun(function* () {
      using f = yield* aopen(testinput, 'rb')
      yield* f.seek(10)
      expect(yield* f.tell()).toBe(10)
      expect(yield* f.read()).toEqual(readFileSync(testinput).subarray(10))
    })
  })

  it('test_file.py::test_truncate', async () => {
    const outname = tmpName()
    await vrun(function* () {
      const f = yield* aopen(outname, 'wb')
      yield* f.write(Buffer.from('12345'))
      yield* f.flush()
      expect(yield* f.tell()).toBe(5)
      yield* f.truncate(2)
      yield* f.seek(2)
      yield* f.write(Buffer.from('6789'))
      f.close()
      using g = yield* aopen(outname, 'rb')
      expect((yield* g.read()).toString()).toBe('126789')
    })
  })
})
