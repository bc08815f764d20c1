// Curio's tests/test_workers.py, translated. Worker waits are external, so the real clock;
// Curio's time.sleep in a worker is Atomics.wait, its fib(36) in Python is fib(40) in V8 (both
// take seconds, far longer than the spinning task's ten ticks).
import {
  CancelledError,
  type Operation,
  run,
  runInProcess,
  runInThread,
  sleep,
  spawn,
  TaskError,
  TaskTimeout,
  taskGroup,
  timeoutAfter,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { raises } from './support.js'

function fib(n: number): number {
  return n <= 2 ? 1 : fib(n - 1) + fib(n - 2)
}

/** Blocks the worker, as time.sleep does. */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Curio's fib('10'): a TypeError in the worker. */
function badFib(n: unknown): number {
  return (n as number).toFixed().length
}

function* spin(results: unknown[], n: number, tick: number): Operation<void> {
  for (; n > 0; n--) {
    results.push(n)
    yield* sleep(tick)
  }
}

const runners = { run_in_thread: runInThread, run_in_process: runInProcess } as const

describe('test_workers.py', () => {
  it('test_workers.py::test_cpu', async () => {
    const results: unknown[] = []
    await run(() =>
      taskGroup({}, function* (g) {
        yield* g.spawn(spin(results, 10, 20))
        yield* g.spawn(function* () {
          results.push(['fib', yield* runInProcess(fib, 40)])
        })
      }),
    )
    expect(results).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, ['fib', 102334155]])
  })

  it('test_workers.py::test_bad_cpu', async () => {
    await run(function* () {
      expect(yield* raises(runInProcess(badFib, '1'))).toBeInstanceOf(TypeError)
    })
  })

  it('test_workers.py::test_blocking', async () => {
    const results: unknown[] = []
    await run(() =>
      taskGroup({}, function* (g) {
        yield* g.spawn(spin(results, 10, 20))
        yield* g.spawn(function* () {
          yield* runInThread(blockFor, 600)
          results.push('sleep done')
        })
      }),
    )
    expect(results).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 'sleep done'])
  })

  for (const [name, runner] of Object.entries(runners)) {
    it(`test_workers.py::test_worker_cancel[${name}]`, async () => {
      const results: unknown[] = []
      await run(() =>
        taskGroup({}, function* (g) {
          yield* g.spawn(spin(results, 10, 100))
          yield* g.spawn(function* () {
            const task = yield* spawn(() => runner(blockFor, 5000))
            yield* sleep(550)
            yield* task.cancel()
            const e = yield* raises(task.join())
            expect(e).toBeInstanceOf(TaskError)
            if ((e as TaskError).cause instanceof CancelledError) results.push('cancel')
          })
        }),
      )
      expect(results).toEqual([10, 9, 8, 7, 6, 5, 'cancel', 4, 3, 2, 1])
    })

    it(`test_workers.py::test_worker_timeout[${name}]`, async () => {
      const results: unknown[] = []
      await run(() =>
        taskGroup({}, function* (g) {
          yield* g.spawn(spin(results, 10, 100))
          yield* g.spawn(function* () {
            try {
              yield* timeoutAfter(550, runner(blockFor, 5000))
            } catch (e) {
              if (e instanceof TaskTimeout) results.push('cancel')
            }
          })
        }),
      )
      expect(results).toEqual([10, 9, 8, 7, 6, 5, 'cancel', 4, 3, 2, 1])
    })
  }

  it('test_workers.py::test_exception', async () => {
    await run(function* () {
      const e = yield* raises(runInThread(badFib, '10'))
      expect(e).toBeInstanceOf(TypeError)
      expect((e as Error).cause).toBeUndefined()
    })
  })
})
