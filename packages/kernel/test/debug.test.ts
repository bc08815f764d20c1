import { describe, expect, it } from 'vitest'
import {
  type CrashReport,
  Kernel,
  logcrash,
  longblock,
  type Operation,
  schedtrace,
  sleep,
  spawn,
  timeoutAfter,
  timeoutLeft,
  traptrace,
  WaitQueue,
} from '../src/index.js'
import { vrun } from './helpers.js'

function* inner(): Operation<void> {
  yield* sleep(100) // line 19: where inner waits
}

function* outer(): Operation<void> {
  yield* inner() // line 23: outer waits through inner
}

/** Busy for `ms` of real time without blocking. */
function spin(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {}
}

const ids = (line: string) => line.replace(/task \d+/g, 'task N')

describe('task locations with debug capture', () => {
  it('where() is the innermost user frame; traceback() the chain of yield* frames', async () => {
    await vrun(
      function* () {
        const t = yield* spawn(outer)
        yield* sleep(1)
        expect(t.where()).toMatch(/debug\.test\.ts:19$/)
        expect(t.traceback().map((f) => f.replace(/^.*[/\\]/, ''))).toEqual([
          'debug.test.ts:19',
          'debug.test.ts:23',
        ])
        yield* t.cancel()
      },
      { debug: true },
    )
  })

  it('CURIO_DEBUG=1 turns capture on; without it a task shows the trap it waits on', async () => {
    const saved = process.env.CURIO_DEBUG
    try {
      for (const [env, expected] of [
        ['1', /debug\.test\.ts:19$/],
        ['0', /^sleep\(100\)$/],
      ] as const) {
        process.env.CURIO_DEBUG = env
        await vrun(function* () {
          const t = yield* spawn(outer)
          yield* sleep(1)
          expect(t.where()).toMatch(expected)
          yield* t.cancel()
        })
      }
    } finally {
      if (saved === undefined) delete process.env.CURIO_DEBUG
      else process.env.CURIO_DEBUG = saved
    }
  })
})

describe('debug activations', () => {
  it('schedtrace logs a line per scheduling event to the given logger', async () => {
    const lines: string[] = []
    await vrun(
      function* main() {
        const t = yield* spawn(function* worker() {
          yield* sleep(5)
        })
        yield* t.join()
      },
      { activations: [schedtrace({ log: (l) => lines.push(ids(l)) })] },
    )
    expect(lines).toEqual([
      'schedtrace: created task N (main)',
      'schedtrace: running task N (main)',
      'schedtrace: created task N (worker)',
      'schedtrace: suspended task N (main) on join(task N worker)',
      'schedtrace: running task N (worker)',
      'schedtrace: suspended task N (worker) on sleep(5)',
      'schedtrace: running task N (worker)',
      'schedtrace: suspended task N (worker) on exit',
      'schedtrace: terminated task N (worker)',
      'schedtrace: running task N (main)',
      'schedtrace: suspended task N (main) on exit',
      'schedtrace: terminated task N (main)',
    ])
  })

  it('traptrace logs each blocking trap, with the file:line when capture is on', async () => {
    const lines: string[] = []
    const q = new WaitQueue()
    await vrun(
      function* main() {
        yield* spawn(outer)
        yield* timeoutAfter(3, () => q.suspend('MY_WAIT'))
      },
      { debug: true, activations: [traptrace({ log: (l) => lines.push(ids(l)) })] },
    ).catch(() => {})
    expect(lines[0]).toMatch(
      /^traptrace: task N \(main\) WaitQueue\.suspend\(MY_WAIT\)|^traptrace: task N \(main\) .*MY_WAIT/,
    )
    expect(lines[1]).toMatch(/^traptrace: task N \(outer\) sleep\(100\) at .*debug\.test\.ts:19$/)
  })

  it('longblock warns with the location when a step runs longer than the limit, and only then', async () => {
    for (const limit of [15, 5_000]) {
      const lines: string[] = []
      await vrun(
        function* main() {
          const hog = yield* spawn(function* hog() {
            spin(30)
            yield* inner()
          })
          yield* sleep(1)
          yield* hog.cancel()
        },
        { debug: true, activations: [longblock(limit, { log: (l) => lines.push(ids(l)) })] },
      )
      // Real time: on a loaded machine any step may be descheduled past 15 ms, so only the
      // hog's first line is certain; nothing comes near 5 s.
      if (limit === 5_000) expect(lines).toEqual([])
      else
        expect(lines.find((l) => l.includes('(hog)'))).toMatch(
          /^longblock: task N \(hog\) ran \d+\.\d ms without blocking, until .*debug\.test\.ts:19$/,
        )
    }
  })

  it('logcrash logs a crash when it happens, even if joined later, and leaves cancellations alone', async () => {
    const lines: string[] = []
    const reports: CrashReport[] = []
    await vrun(
      function* main() {
        const bad = yield* spawn(function* bad() {
          yield* sleep(1)
          throw new Error('boom')
        })
        const cancelled = yield* spawn(outer)
        yield* sleep(2)
        expect(lines).toHaveLength(1)
        try {
          yield* bad.join()
        } catch {}
        yield* cancelled.cancel()
        yield* spawn(function* unjoined() {
          throw new Error('nobody looks')
        })
        yield* sleep(1)
      },
      { activations: [logcrash({ log: (l) => lines.push(ids(l)) })], reportCrash: (r) => reports.push(r) },
    ).catch(() => {})
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^logcrash: task N \(bad\) crashed: Error: boom\n\s+at /)
    expect(lines[1]).toMatch(/^logcrash: task N \(unjoined\) crashed: Error: nobody looks/)
    // logcrash only looks: the kernel still reports the crash that nobody joined.
    expect(reports.map((r) => r.name)).toContain('unjoined')
  })

  it('the default logger is console.error', () => {
    const seen: unknown[][] = []
    const saved = console.error
    console.error = (...args: unknown[]) => seen.push(args)
    try {
      schedtrace().created?.({ id: 7, name: 'x' } as never)
    } finally {
      console.error = saved
    }
    expect(seen).toEqual([['schedtrace: created task 7 (x)']])
  })
})

describe('timeoutLeft', () => {
  it('is the time to the nearest sleep or timeout deadline, undefined without one', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    const q = new WaitQueue()
    await kernel.run(function* () {
      const sleeper = yield* spawn(inner)
      const bounded = yield* spawn(() => timeoutAfter(50, () => q.suspend('Q')))
      const waiter = yield* spawn(() => q.suspend('Q'))
      yield* sleep(30)
      expect(timeoutLeft(kernel, sleeper)).toBe(70)
      expect(timeoutLeft(kernel, bounded)).toBe(20)
      expect(timeoutLeft(kernel, waiter)).toBeUndefined()
      yield* sleeper.cancel()
      yield* waiter.cancel()
      yield* bounded.cancel()
    })
  })
})

describe('kernel.spawn', () => {
  it('starts a task from outside any task; it runs with the kernel and shutdown cancels it', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    const seen: string[] = []
    const daemon = kernel.spawn(
      function* background() {
        try {
          yield* sleep(1e9)
        } finally {
          seen.push('cancelled')
        }
      },
      { daemon: true },
    )
    expect(daemon.name).toBe('background')
    expect(daemon.daemon).toBe(true)
    expect(daemon.parentId).toBeUndefined()
    await kernel.run(function* () {
      yield* sleep(5)
      seen.push(daemon.state)
    })
    expect(seen).toEqual(['SLEEP', 'cancelled'])
    expect(daemon.terminated).toBe(true)
  })

  it('from a plain callback while the kernel runs, the task starts at once', async () => {
    const kernel = new Kernel()
    let ran = false
    await kernel.run(function* () {
      const q = new WaitQueue({ external: true })
      setTimeout(() =>
        kernel.spawn(function* () {
          ran = true
          q.wake()
        }),
      )
      yield* q.suspend('WAIT_SPAWN')
    })
    expect(ran).toBe(true)
  })
})
