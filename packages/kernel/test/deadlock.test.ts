import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { CurioError, DeadlockError } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'curio-deadlock-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Outcome {
  status: number | null
  stdout: string
  stderr: string
}

/** Run `source` as its own Node program (importing the kernel as `K`), to see how it exits. */
function program(name: string, source: string): Promise<Outcome> {
  const file = join(dir, `${name}.mts`)
  const kernel = JSON.stringify(join(here, '..', 'src', 'index.ts'))
  const helpers = JSON.stringify(join(here, 'helpers.ts'))
  writeFileSync(file, `import * as K from ${kernel}\nimport { Flag } from ${helpers}\n${source}`)
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file],
      { cwd: root, encoding: 'utf8', timeout: 15_000 },
      (error, stdout, stderr) =>
        resolve({ status: error ? ((error.code as number) ?? null) : 0, stdout, stderr }),
    )
  })
}

describe('deadlock: the event loop runs dry while run() is pending', () => {
  it('DeadlockError is a CurioError naming each blocked task with its state, main first', () => {
    const e = new DeadlockError([
      { id: 1, name: 'main', state: 'TASK_JOIN', where: 'join(task 2 consumer)' },
      { id: 2, name: 'consumer', state: 'FLAG_WAIT', where: 'app.ts:12' },
    ])
    expect(e).toBeInstanceOf(CurioError)
    expect(e.name).toBe('DeadlockError')
    expect(e.message).toMatch(
      /task 1 \(main\) TASK_JOIN at join\(task 2 consumer\)\n {2}task 2 \(consumer\) FLAG_WAIT at app\.ts:12/,
    )
  })

  it.concurrent('rejects run() with DeadlockError after cancelling every task and reporting the crash', async () => {
    const r = await program(
      'forgotten-set',
      `
const ready = new Flag()
function* producer(): K.Operation<void> {
  yield* K.sleep(1)
  throw new Error('producer crashed before set()')
}
function* consumer(): K.Operation<void> {
  try {
    yield* ready.wait()
  } finally {
    console.log('consumer finally ran')
  }
}
await K.run(function* main() {
  yield* K.spawn(producer)
  const c = yield* K.spawn(consumer)
  try {
    yield* c.join()
  } finally {
    console.log('main finally ran')
  }
})
console.log('never printed')
`,
    )
    expect(r.status).not.toBe(0)
    expect(r.status).not.toBe(13)
    expect(r.stdout.trim().split('\n')).toEqual(['consumer finally ran', 'main finally ran'])
    expect(r.stderr).toContain('producer crashed before set()') // the unjoined crash is reported
    expect(r.stderr).toContain('DeadlockError')
    expect(r.stderr).toMatch(/task \d+ \(main\) TASK_JOIN/)
    expect(r.stderr).toMatch(/task \d+ \(consumer\) FLAG_WAIT/)
  })

  it.concurrent('lists the tasks in DeadlockError.tasks, main first, with where they wait under debug', async () => {
    const r = await program(
      'debug-where',
      `
const never = new K.WaitQueue()
try {
  await K.run(
    function* main() {
      yield* K.spawn(function* waiter() { yield* never.suspend('NEVER') })
      yield* never.suspend('NEVER')
    },
    { debug: true },
  )
} catch (error) {
  const e = error as K.DeadlockError
  console.log(e instanceof K.DeadlockError)
  console.log(e.tasks.map((t) => t.name + ' ' + t.state).join(', '))
  console.log(e.tasks.every((t) => /debug-where\\.mts:\\d+/.test(t.where ?? '')))
  console.log(/debug-where\\.mts:\\d+/.test(e.message))
}
`,
    )
    expect(r.stderr).toBe('')
    expect(r.stdout.trim().split('\n')).toEqual(['true', 'main NEVER, waiter NEVER', 'true', 'true'])
    expect(r.status).toBe(0)
  })

  it.concurrent('a program woken by a plain setTimeout callback is no deadlock', async () => {
    const r = await program(
      'woken-by-timer',
      `
const flag = new Flag()
setTimeout(() => flag.set(), 50)
const promised = new Promise<string>((resolve) => setTimeout(() => resolve('resolved'), 80))
console.log(await K.run(function* () {
  yield* flag.wait()
  return yield* K.awaitPromise(promised)
}, { clock: 'virtual' }))
`,
    )
    expect(r).toEqual({ status: 0, stdout: 'resolved\n', stderr: '' })
  })

  it.concurrent("work scheduled by the program's own beforeExit listener is no deadlock either", async () => {
    const r = await program(
      'own-before-exit',
      `
const flag = new Flag()
let once = false
process.on('beforeExit', () => {
  if (once) return
  once = true
  setTimeout(() => flag.set(), 30) // the last word: a late wake, as from a flush on exit
})
console.log(await K.run(function* () {
  yield* flag.wait()
  return 'woken at exit'
}))
`,
    )
    expect(r).toEqual({ status: 0, stdout: 'woken at exit\n', stderr: '' })
  })

  it.concurrent('several kernels, an embedded one and a shutdown: false run each get their DeadlockError', async () => {
    const r = await program(
      'several',
      `
const never = new Flag()
const a = new K.Kernel()
const b = new K.Kernel({ clock: 'virtual' })
const embedded = new K.Kernel()
const outcomes = await Promise.allSettled([
  a.run(function* () { yield* never.wait() }),
  b.run(function* () { yield* K.awaitPromise(new Promise(() => {})) }),
  embedded.run(function* () { yield* never.wait() }, { shutdown: false }),
])
console.log(outcomes.map((o) => o.status === 'rejected' && (o.reason as Error).name).join(' '))
// The embedded kernel stays usable after its deadlock: nothing of the stuck run is left.
console.log(embedded.tasks().length, await embedded.run(function* () { yield* K.sleep(1); return 'again' }))
await Promise.all([a.close(), b.close(), embedded.close()])
console.log('closed')
`,
    )
    expect(r.stderr).toBe('')
    expect(r.stdout.trim().split('\n')).toEqual([
      'DeadlockError DeadlockError DeadlockError',
      '0 again',
      'closed',
    ])
    expect(r.status).toBe(0)
  })

  it.concurrent('a task of one kernel waiting on a deadlocked one is woken by its cancellation', async () => {
    const r = await program(
      'cross-kernel',
      `
const never = new Flag()
const inner = new K.Kernel()
const stuck = inner.spawn(function* stuck() { yield* never.wait() })
const outer = K.run(function* () {
  try {
    yield* K.awaitPromise(stuck.toPromise())
  } catch (error) {
    return 'outer woke with ' + (error as Error).name
  }
})
const innerRun = inner.run(function* () { yield* never.wait() })
console.log((await innerRun.catch((e) => e)).name)
console.log(await outer)
`,
    )
    expect(r.stderr).toBe('')
    expect(r.stdout.trim().split('\n')).toEqual(['DeadlockError', 'outer woke with TaskCancelled'])
    expect(r.status).toBe(0)
  })

  it.concurrent('a finally block stuck for ever during the deadlock shutdown still ends the run', async () => {
    const r = await program(
      'stuck-finally',
      `
const never = new Flag()
try {
  await K.run(function* main() {
    try {
      yield* never.wait()
    } finally {
      yield* never.wait() // waits again: cancelling cannot help
    }
  })
} catch (error) {
  console.log((error as Error).name)
}
`,
    )
    expect(r.stderr).toBe('')
    expect(r.stdout.trim()).toBe('DeadlockError')
    expect(r.status).toBe(0)
  })
})
