import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  clock,
  Kernel,
  type Operation,
  sleep,
  spawn,
  type Task,
  TaskCancelled,
  WaitQueue,
} from '../src/index.js'
import { vrun } from './helpers.js'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..', '..', '..')
const kernelSource = join(here, '..', 'src', 'index.ts')

function* forever(): Operation<never> {
  const q = new WaitQueue()
  for (;;) yield* q.suspend('FOREVER')
}

describe('run shuts the kernel down', () => {
  it('cancels every surviving task, daemons included, newest first, each waited for before the next', async () => {
    const log: string[] = []
    const survivors: Task<unknown>[] = []
    function survivor(name: string) {
      return function* (): Operation<void> {
        try {
          yield* forever()
        } finally {
          log.push(`${name} cancelled at ${yield* clock()}`)
          yield* sleep(10)
          log.push(`${name} done at ${yield* clock()}`)
        }
      }
    }
    const out = await vrun(function* () {
      survivors.push(yield* spawn(survivor('old')))
      survivors.push(yield* spawn(survivor('daemon'), { daemon: true }))
      survivors.push(yield* spawn(survivor('new')))
      yield* sleep(5)
      return 'main value'
    })
    expect(out).toBe('main value')
    expect(log).toEqual([
      'new cancelled at 5',
      'new done at 15',
      'daemon cancelled at 15',
      'daemon done at 25',
      'old cancelled at 25',
      'old done at 35',
    ])
    for (const t of survivors) {
      expect(t.terminated).toBe(true)
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    }
  })

  it('tasks spawned during the shutdown are cancelled too', async () => {
    const late: Task<unknown>[] = []
    await vrun(function* () {
      yield* spawn(function* () {
        try {
          yield* forever()
        } finally {
          late.push(yield* spawn(forever))
        }
      })
      yield* sleep(1)
    })
    expect(late).toHaveLength(1)
    expect(late[0]!.terminated).toBe(true)
  })

  it('main failing still shuts everything down, and run rejects with the original error', async () => {
    const boom = new Error('main failed')
    let child: Task<unknown> | undefined
    let caught: unknown
    try {
      await vrun(function* () {
        child = yield* spawn(forever)
        yield* sleep(1)
        throw boom
      })
    } catch (e) {
      caught = e
    }
    expect(caught).toBe(boom)
    expect(child!.terminated).toBe(true)
  })

  it('after run settles, kernel.tasks() is empty', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    await kernel.run(function* () {
      yield* spawn(forever)
      yield* spawn(forever, { daemon: true })
      yield* sleep(1)
      expect(kernel.tasks()).toHaveLength(3)
    })
    expect(kernel.tasks()).toEqual([])
    await kernel.close()
  })
})

describe('kernel.run(main, { shutdown: false })', () => {
  it('leaves survivors suspended: nothing steps and no timer is armed until the next run', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const baseline = timers() // vitest's own test timeout
    const kernel = new Kernel() // real clock: a timer left armed would fire
    let survivor: Task<unknown> | undefined
    const woke: number[] = []
    await kernel.run(
      function* () {
        survivor = yield* spawn(function* () {
          for (;;) {
            yield* sleep(5)
            woke.push(1)
          }
        })
        yield* sleep(0)
      },
      { shutdown: false },
    )
    const cycles = survivor!.cycles
    expect(survivor!.terminated).toBe(false)
    expect(survivor!.state).toBe('SLEEP')
    const timersBetweenRuns = timers()
    await new Promise((r) => setTimeout(r, 30))
    expect(survivor!.cycles).toBe(cycles)
    expect(woke).toEqual([])
    // The kernel keeps no Node timer of its own while suspended between runs.
    expect(timersBetweenRuns).toBe(baseline)

    // The next run resumes it: its deadline has passed, so it wakes.
    await kernel.run(
      function* () {
        yield* sleep(20)
      },
      { shutdown: false },
    )
    expect(woke.length).toBeGreaterThan(0)
    expect(kernel.tasks()).toEqual([survivor])
    await kernel.close()
    expect(survivor!.terminated).toBe(true)
    expect(kernel.tasks()).toEqual([])
  })

  it('close() cancels the survivors, running their cleanup', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    const log: string[] = []
    await kernel.run(
      function* () {
        yield* spawn(function* () {
          try {
            yield* forever()
          } finally {
            yield* sleep(10)
            log.push('cleaned up')
          }
        })
        yield* sleep(0)
      },
      { shutdown: false },
    )
    expect(log).toEqual([])
    await kernel.close()
    expect(log).toEqual(['cleaned up'])
  })

  it('a second run sees the survivors of the first and can join them', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    let t: Task<number> | undefined
    await kernel.run(
      function* () {
        t = yield* spawn(function* () {
          yield* sleep(100)
          return 7
        })
      },
      { shutdown: false },
    )
    const v = await kernel.run(() => t!.join())
    expect(v).toBe(7)
    await kernel.close()
  })
})

describe('the process can exit after run', () => {
  /** Runs a curio program in a fresh `node`, with the kernel from source; returns status and output. */
  function runProgram(body: string): { status: number | null; stdout: string; stderr: string; ms: number } {
    const dir = mkdtempSync(join(tmpdir(), 'curio-exit-'))
    const file = join(dir, 'program.mts')
    writeFileSync(file, `import * as curio from ${JSON.stringify(kernelSource)}\n${body}\n`)
    const started = performance.now()
    try {
      const r = spawnSync(process.execPath, ['--conditions=@curio/source', '--import', 'tsx', file], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 15_000,
      })
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it('exits by itself after run resolves, with timers, promises, external waits and daemons left behind', () => {
    const r = runProgram(`
const { run, spawn, sleep, timeoutAfter, ignoreAfter, awaitPromise, WaitQueue } = curio
const external = new WaitQueue({ external: true })
const value = await run(function* () {
  yield* spawn(function* () { for (;;) yield* sleep(60_000) }, { daemon: true })
  yield* spawn(() => external.suspend())
  yield* spawn(() => awaitPromise(new Promise(() => {})))
  yield* ignoreAfter(5, sleep(60_000))
  yield* spawn(() => timeoutAfter(60_000, sleep(60_000)))
  yield* sleep(5)
  return 'done'
})
console.log(value)
`)
    expect(r.stderr).toBe('')
    expect(r.stdout.trim()).toBe('done')
    expect(r.status).toBe(0)
    // Well under the 60 s the leftovers would take; 15 s is the spawnSync kill bound.
    expect(r.ms).toBeLessThan(10_000)
  })

  it('exits by itself after run rejects, with survivors cancelled mid-wait on a real timer and a call()', () => {
    const r = runProgram(`
const { run, spawn, sleep, call } = curio
try {
  await run(function* () {
    yield* spawn(() => sleep(60_000))
    yield* spawn(() => call((signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))))
    yield* sleep(5)
    throw new Error('main failed')
  })
} catch (e) {
  console.log('caught ' + e.message)
}
`)
    expect(r.stderr).toBe('')
    expect(r.stdout.trim()).toBe('caught main failed')
    expect(r.status).toBe(0)
    expect(r.ms).toBeLessThan(10_000)
  })

  it('exits by itself after kernel.run with shutdown: false once close() is awaited', () => {
    const r = runProgram(`
const { Kernel, spawn, sleep } = curio
const kernel = new Kernel()
await kernel.run(function* () {
  yield* spawn(function* () { for (;;) yield* sleep(60_000) })
  yield* sleep(1)
}, { shutdown: false })
await kernel.close()
console.log('closed')
`)
    expect(r.stdout.trim()).toBe('closed')
    expect(r.status).toBe(0)
    expect(r.ms).toBeLessThan(10_000)
  })
})
