import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  type CrashReport,
  Kernel,
  type Operation,
  sleep,
  spawn,
  type Task,
  TaskGroup,
  TaskTimeout,
  timeoutAfter,
  WaitQueue,
} from '../src/index.js'
import { rejection, vrun } from './helpers.js'

function* crash(error: unknown, ms = 1): Operation<never> {
  yield* sleep(ms)
  throw error
}

function collect(): { reports: CrashReport[]; reportCrash: (r: CrashReport) => void } {
  const reports: CrashReport[] = []
  return { reports, reportCrash: (r) => reports.push(r) }
}

describe('crash reports for failed tasks nobody joined', () => {
  it('a never-joined failed task is reported once, at shutdown, with id, name and error', async () => {
    const { reports, reportCrash } = collect()
    const boom = new Error('lost')
    let id = 0
    await vrun(
      function* () {
        const t = yield* spawn(() => crash(boom), { name: 'worker' })
        id = t.id
        yield* sleep(10)
        expect(reports).toEqual([]) // not before shutdown (the Task is still reachable)
      },
      { reportCrash },
    )
    expect(reports).toEqual([{ taskId: id, name: 'worker', error: boom }])
  })

  const observers: [string, (t: Task<unknown>) => Operation<void>][] = [
    [
      'joined',
      function* (t) {
        try {
          yield* t.join()
        } catch {}
      },
    ],
    [
      'result read',
      function* (t) {
        yield* t.wait()
        try {
          void t.result
        } catch {}
      },
    ],
    [
      'exception read',
      function* (t) {
        yield* t.wait()
        void t.exception
      },
    ],
    [
      'toPromise called',
      function* (t) {
        t.toPromise().catch(() => {})
        yield* t.wait()
      },
    ],
    [
      'in a task group',
      function* (t) {
        const g = new TaskGroup({}, [t])
        yield* g.join()
      },
    ],
  ]
  for (const [how, observe] of observers) {
    it(`is not reported when its outcome was ${how}`, async () => {
      const { reports, reportCrash } = collect()
      await vrun(
        function* () {
          const t = yield* spawn(() => crash(new Error('seen')))
          yield* observe(t)
        },
        { reportCrash },
      )
      expect(reports).toEqual([])
    })
  }

  it('is not reported when it is joined after it crashed, before shutdown', async () => {
    const { reports, reportCrash } = collect()
    await vrun(
      function* () {
        const t = yield* spawn(() => crash(new Error('late join')))
        yield* sleep(10)
        expect(t.terminated).toBe(true)
        yield* t.wait() // wait() does not look at the outcome
        try {
          yield* t.join()
        } catch {}
      },
      { reportCrash },
    )
    expect(reports).toEqual([])
  })

  it('wait() alone does not count as looking at the outcome', async () => {
    const { reports, reportCrash } = collect()
    await vrun(
      function* () {
        const t = yield* spawn(() => crash(new Error('waited only')))
        yield* t.wait()
      },
      { reportCrash },
    )
    expect(reports).toHaveLength(1)
  })

  it('a task ended by a CancelledError is not reported (cancelled, or timed out)', async () => {
    const { reports, reportCrash } = collect()
    await vrun(
      function* () {
        const q = new WaitQueue()
        const cancelled = yield* spawn(() => q.suspend())
        yield* spawn(() => timeoutAfter(5, q.suspend()))
        yield* sleep(10)
        yield* cancelled.cancel({ blocking: false })
        yield* sleep(1)
      },
      { reportCrash },
    )
    expect(reports).toEqual([])
  })

  it('main is never reported: its error rejects run instead', async () => {
    const { reports, reportCrash } = collect()
    const boom = new Error('main')
    expect(await rejection(vrun(() => crash(boom), { reportCrash }))).toBe(boom)
    expect(reports).toEqual([])
  })

  it('tasks that crash during the shutdown are reported too', async () => {
    const { reports, reportCrash } = collect()
    const boom = new Error('cleanup failed')
    await vrun(
      function* () {
        yield* spawn(function* () {
          try {
            yield* sleep(1000)
          } finally {
            // biome-ignore lint/correctness/noUnsafeFinally: a cleanup that fails is the case under test
            throw boom
          }
        })
        yield* sleep(1)
      },
      { reportCrash },
    )
    expect(reports.map((r) => r.error)).toEqual([boom])
  })

  it('each crashed task is reported once, in the order they crashed, across several runs of one kernel', async () => {
    const { reports, reportCrash } = collect()
    const kernel = new Kernel({ clock: 'virtual', reportCrash })
    const a = new Error('a')
    const b = new TaskTimeout(1) // a CancelledError: never reported
    const c = new Error('c')
    await kernel.run(
      function* () {
        yield* spawn(() => crash(a, 1))
        yield* spawn(() => crash(b, 2))
        yield* spawn(() => crash(c, 3))
        yield* sleep(5)
      },
      { shutdown: false },
    )
    await kernel.close()
    expect(reports.map((r) => r.error)).toEqual([a, c])
  })

  it('a crash reporter that throws does not break the shutdown', async () => {
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      await vrun(
        function* () {
          yield* spawn(() => crash(new Error('x')))
          yield* sleep(5)
          return 'ok'
        },
        {
          reportCrash: () => {
            throw new Error('reporter broke')
          },
        },
      )
    } finally {
      console.error = original
    }
    expect(errors).toHaveLength(1)
  })

  it('the default reporter writes the task and the stack to console.error', async () => {
    const lines: string[] = []
    const original = console.error
    console.error = (...args: unknown[]) => lines.push(args.map(String).join(' '))
    try {
      await vrun(function* () {
        yield* spawn(() => crash(new Error('default report')), { name: 'noisy' })
        yield* sleep(5)
      })
    } finally {
      console.error = original
    }
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/noisy/)
    expect(lines[0]).toMatch(/default report/)
  })
})

describe('crash reports when the Task becomes unreachable', () => {
  it('reports before shutdown once the Task object is garbage collected', () => {
    const here = dirname(fileURLToPath(import.meta.url))
    const dir = mkdtempSync(join(tmpdir(), 'curio-gc-'))
    const file = join(dir, 'program.mts')
    writeFileSync(
      file,
      `import { run, spawn, sleep, awaitPromise } from ${JSON.stringify(join(here, '..', 'src', 'index.ts'))}
const reports: string[] = []
await run(function* () {
  yield* spawn(function* () { yield* sleep(1); throw new Error('unreachable crash') })
  yield* sleep(5)
  for (let i = 0; i < 20 && reports.length === 0; i++) {
    ;(globalThis as any).gc()
    yield* awaitPromise(new Promise((r) => setTimeout(r, 5)))
  }
  console.log('before shutdown: ' + reports.join(','))
}, { reportCrash: (r) => reports.push((r.error as Error).message) })
console.log('after shutdown: ' + reports.join(','))
`,
    )
    try {
      const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
        cwd: join(here, '..', '..', '..'),
        encoding: 'utf8',
        timeout: 15_000,
      })
      expect(r.stderr).toBe('')
      expect(r.stdout.trim().split('\n')).toEqual([
        'before shutdown: unreachable crash',
        'after shutdown: unreachable crash',
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
