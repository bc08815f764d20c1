import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { aopen } from '@curio/io'
import { type Operation, run } from '@curio/kernel'

function* main(): Operation<void> {
  const path = join(mkdtempSync(join(tmpdir(), 'files-example-')), 'notes.txt')

  // 'w' creates or empties; writes take bytes or strings.
  {
    using f = yield* aopen(path, 'w')
    yield* f.writelines(['first line\n', 'second line\n', 'third line\n'])
  }

  // Line by line, through an operation (a plain function works too).
  {
    using f = yield* aopen(path, 'r')
    let n = 0
    yield* f.eachLine((line) => console.log(`${++n}: ${line.toString().trimEnd()}`))
    console.log('tell at the end:', yield* f.tell())
    yield* f.seek(6)
    console.log('after seek(6):', JSON.stringify((yield* f.readline()).toString()))
  }

  // 'a' appends; 'r+' reads and writes in place; truncate cuts.
  {
    using f = yield* aopen(path, 'a')
    yield* f.write('fourth line\n')
  }
  {
    using f = yield* aopen(path, 'r+')
    console.log('lines now:', (yield* f.readlines()).length)
    yield* f.truncate(10)
    yield* f.seek(0)
    console.log('after truncate(10):', JSON.stringify((yield* f.read()).toString()))
  }

  // Node's errors, with their codes; a bad mode is a TypeError.
  for (const [file, mode] of [
    [join(path, '..', 'missing.txt'), 'r'],
    [join(path, '..'), 'r'],
    [path, 'x'],
  ]) {
    try {
      yield* aopen(file!, mode)
    } catch (error) {
      console.log(`aopen(..., '${mode}'):`, (error as NodeJS.ErrnoException).code)
    }
  }
  try {
    yield* aopen(path, 'rw')
  } catch (error) {
    console.log(`aopen(..., 'rw'):`, (error as Error).name)
  }
}

await run(main)

// Output:
// 1: first line
// 2: second line
// 3: third line
// tell at the end: 34
// after seek(6): "line\n"
// lines now: 4
// after truncate(10): "first line"
// aopen(..., 'r'): ENOENT
// aopen(..., 'r'): EISDIR
// aopen(..., 'x'): EEXIST
// aopen(..., 'rw'): TypeError
