/** Regression tests, each named for the kernel bug it pins down. */
import { describe, expect, it } from 'vitest'
import {
  type Activation,
  awaitPromise,
  CancelledError,
  type CrashReport,
  clock,
  currentTask,
  disableCancellation,
  ignoreAfter,
  Kernel,
  type Operation,
  run,
  sleep,
  spawn,
  TaskCancelled,
  TaskGroup,
  TaskTimeout,
  timeoutAfter,
  WaitQueue,
} from '../src/index.js'
import { userFrames } from '../src/where.js'
import { vrun } from './helpers.js'

describe('bug: a timeout fired into the cleanup of a cancelled task and swallowed the cancellation', () => {
  it('a deadline open when the task was cancelled never fires during its cleanup', async () => {
    const log: string[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* timeoutAfter(100, function* () {
            try {
              yield* sleep(1000)
            } finally {
              yield* sleep(500) // past the block's deadline
              log.push('cleanup finished')
            }
          })
        } catch (e) {
          if (e instanceof TaskTimeout) log.push('caught a timeout: the cancellation was lost')
          throw e
        }
        log.push('carried on after the cancellation')
      })
      yield* sleep(50)
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
      expect(yield* clock()).toBe(550)
    })
    expect(log).toEqual(['cleanup finished'])
  })

  it('a timeout block opened during the cleanup still bounds it', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* sleep(1000)
        } finally {
          const r = yield* ignoreAfter(20, sleep(1000), { timeoutResult: 'bounded' })
          expect(r).toBe('bounded')
        }
      })
      yield* sleep(10)
      yield* t.cancel()
      expect(yield* clock()).toBe(30)
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
  })

  it('the disarmed deadline does not fire after the task swallowed its cancellation either', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        return yield* timeoutAfter(100, function* (): Operation<string> {
          try {
            yield* sleep(1000)
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e
          }
          yield* sleep(200)
          return 'ended normally'
        })
      })
      yield* sleep(50)
      yield* t.cancel()
      expect(yield* t.join()).toBe('ended normally')
    })
  })

  it('a custom CancelledError replaces a pending TaskTimeout, as TaskCancelled does', async () => {
    class Custom extends CancelledError {}
    await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* timeoutAfter(10, function* () {
          yield* disableCancellation(sleep(50)) // the deadline fires in here: held pending
        })
        yield* sleep(1) // the first blocking trap after the region: delivery
      })
      yield* sleep(20)
      yield* t.cancel({ exc: new Custom('stop') })
      expect(t.exception).toBeInstanceOf(Custom)
    })
  })
})

describe('bug: catching the TimeoutCancellationError of an expired outer block gave the task unlimited time', () => {
  it('the next blocking trap inside the expired outer block gets TaskTimeout again (Curio test_nested_timeout)', async () => {
    const log: string[] = []
    await vrun(function* () {
      let outer: unknown
      try {
        yield* timeoutAfter(100, function* () {
          try {
            yield* timeoutAfter(5000, sleep(1000))
          } catch (e) {
            log.push((e as Error).name)
          }
          yield* sleep(1000)
          log.push('ran on past the outer deadline')
        })
      } catch (e) {
        outer = e
      }
      expect(outer).toBeInstanceOf(TaskTimeout)
      expect(yield* clock()).toBe(100)
    })
    expect(log).toEqual(['TimeoutCancellationError'])
  })
})

describe('bug: a timeout already delivered when the task was cancelled escaped as UncaughtTimeoutError', () => {
  it('the block whose deadline fired still takes its TaskTimeout; the cancellation stays pending', async () => {
    await vrun(function* () {
      const never = new WaitQueue()
      const t = yield* spawn(function* () {
        yield* sleep(1)
        const r = yield* ignoreAfter(1, never.suspend(), { timeoutResult: 'timed out' })
        return r
      })
      yield* spawn(function* () {
        // Fires at clock 2 too, after the deadline was delivered but before the task ran.
        yield* sleep(2)
        yield* t.cancel({ blocking: false })
      })
      yield* t.wait()
      expect(t.exception).toBeUndefined()
      expect(t.result).toBe('timed out')
      expect(t.cancelled).toBe(true)
    })
  })
})

describe('bug: close() after shutdown: false runs never reported crashes of tasks nobody joined', () => {
  it('a kernel with no live task left reports the crash at close()', async () => {
    const reports: CrashReport[] = []
    const kernel = new Kernel({ clock: 'virtual', reportCrash: (r) => reports.push(r) })
    const boom = new Error('crashed between runs')
    await kernel.run(
      function* () {
        yield* spawn(function* () {
          yield* sleep(1)
          throw boom
        })
        yield* sleep(5)
      },
      { shutdown: false },
    )
    expect(reports).toEqual([]) // it could still be joined by a later run
    await kernel.close()
    expect(reports.map((r) => r.error)).toEqual([boom])
  })
})

describe('bug: a group join waited forever when its last running task was joined away while it waited', () => {
  it('join returns once no task is left in the group to wait for', async () => {
    await vrun(function* () {
      const g = new TaskGroup()
      const a = yield* g.spawn(function* () {
        yield* sleep(100)
        return 'a'
      })
      const joiner = yield* spawn(function* () {
        yield* sleep(10)
        return yield* a.join() // a leaves the group here, while g.join() waits for it
      })
      const groupJoin = yield* spawn(() => g.join())
      yield* sleep(50)
      expect(g.tasks).toEqual([])
      expect(groupJoin.terminated).toBe(true)
      expect(yield* joiner.join()).toBe('a')
    })
  })
})

describe("bug: activations saw the kernel's internal shutdown task run and terminate without being created", () => {
  it('every task an activation sees running or terminated was created first', async () => {
    const created = new Set<number>()
    const unknown: string[] = []
    const activation: Activation = {
      created: (t) => created.add(t.id),
      running: (t) => created.has(t.id) || unknown.push(`running ${t.name}`),
      suspended: (t) => created.has(t.id) || unknown.push(`suspended ${t.name}`),
      terminated: (t) => created.has(t.id) || unknown.push(`terminated ${t.name}`),
    }
    await vrun(
      function* () {
        yield* spawn(() => sleep(100))
        yield* sleep(1)
      },
      { activations: [activation] },
    )
    expect(unknown).toEqual([])
    expect(created.size).toBe(2)
  })
})

describe('bug: with two tasks waiting on one group, the one woken last waited forever', () => {
  it('two concurrent joins of the same group both return when the group is done', async () => {
    await vrun(function* () {
      const g = new TaskGroup()
      yield* g.spawn(() => sleep(10))
      yield* g.spawn(() => sleep(20))
      const j1 = yield* spawn(() => g.join())
      const j2 = yield* spawn(() => g.join())
      yield* sleep(100)
      expect([j1.terminated, j2.terminated]).toEqual([true, true])
    })
  })

  it('two tasks consuming nextDone both see the end', async () => {
    await vrun(function* () {
      const g = new TaskGroup()
      yield* g.spawn(() => sleep(10))
      const consumers = []
      for (let i = 0; i < 2; i++) consumers.push(yield* spawn(() => g.nextDone()))
      yield* sleep(100)
      const got = consumers.map((c) => c.terminated && c.result)
      expect(got.filter((t) => t === undefined)).toHaveLength(1)
      expect(got.filter((t) => t !== undefined && t !== false)).toHaveLength(1)
      yield* g.join()
    })
  })
})

describe('bug: a second close() while the first was still cancelling survivors rejected with "kernel is running"', () => {
  it('both close() calls settle when the kernel is closed', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    await kernel.run(
      function* () {
        yield* spawn(function* () {
          try {
            yield* sleep(1000)
          } finally {
            yield* sleep(10)
          }
        })
        yield* sleep(1)
      },
      { shutdown: false },
    )
    await Promise.all([kernel.close(), kernel.close()])
    expect(kernel.tasks()).toEqual([])
  })
})

describe('bug: a sleep longer than 2^31 - 1 ms made Node fire the kernel timer every millisecond', () => {
  it('a 50-day sleep arms no overflowing Node timer (no TimeoutOverflowWarning)', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      await run(function* () {
        const far = yield* spawn(() => sleep(50 * 24 * 3600 * 1000))
        const forever = yield* spawn(() => sleep(Number.POSITIVE_INFINITY))
        yield* sleep(0)
        // Only the far deadlines are left while this promise is pending.
        yield* awaitPromise(new Promise((r) => setTimeout(r, 20)))
        expect(far.state).toBe('SLEEP')
        expect(forever.state).toBe('SLEEP')
      })
      await new Promise((r) => setTimeout(r, 5))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings).not.toContain('TimeoutOverflowWarning')
  })
})

describe('bug: sleep(Infinity) made the virtual clock jump to Infinity', () => {
  it('the clock stays finite; the sleeper just never wakes', async () => {
    const out = await vrun(function* () {
      const sleeper = yield* spawn(() => sleep(Number.POSITIVE_INFINITY))
      const q = new WaitQueue() // an ordinary wait, ended from a plain callback
      setTimeout(() => q.wake(), 20)
      yield* q.suspend()
      return [yield* clock(), sleeper.state]
    })
    expect(out).toEqual([0, 'SLEEP'])
  })
})

describe('bug: a thenable that called back synchronously inside then() woke a task that was not blocked yet', () => {
  const syncThenable = (value: number): PromiseLike<number> =>
    ({
      // biome-ignore lint/suspicious/noThenProperty: a synchronous thenable is the case under test
      then(onFulfilled: (v: number) => void) {
        onFulfilled(value)
      },
    }) as unknown as PromiseLike<number>

  it('cancelling the task right after it awaited such a thenable neither crashes the kernel nor steps the task twice', async () => {
    const reports: CrashReport[] = []
    const log: unknown[] = []
    await vrun(
      function* () {
        const t = yield* spawn(function* () {
          try {
            log.push(yield* awaitPromise(syncThenable(5)))
            yield* sleep(10)
            log.push('slept')
          } catch (e) {
            log.push((e as Error).name)
          }
        })
        yield* sleep(0)
        expect(t.state).toBe('FUTURE_WAIT')
        yield* t.cancel()
        expect(t.terminated).toBe(true)
        yield* sleep(20)
      },
      { reportCrash: (r) => reports.push(r) },
    )
    expect(reports).toEqual([])
    expect(log).toEqual(['TaskCancelled'])
  })

  it('the value of such a thenable is received', async () => {
    expect(await vrun(() => awaitPromise(syncThenable(7)))).toBe(7)
  })

  it('a thenable whose then() throws rejects the wait with that error', async () => {
    const boom = new Error('then threw')
    const throwing = {
      // biome-ignore lint/suspicious/noThenProperty: a broken thenable is the case under test
      then() {
        throw boom
      },
    } as unknown as PromiseLike<number>
    const out = await vrun(function* () {
      try {
        yield* awaitPromise(throwing)
      } catch (e) {
        return e
      }
    })
    expect(out).toBe(boom)
  })
})

describe('bug: a join abandoned before it returned hid the crash of the task it was joining', () => {
  it('a join that timed out does not count as looking at the outcome', async () => {
    const reports: CrashReport[] = []
    const boom = new Error('nobody saw this')
    await vrun(
      function* () {
        const child = yield* spawn(function* () {
          yield* sleep(10)
          throw boom
        })
        yield* ignoreAfter(5, child.join())
        yield* sleep(20)
      },
      { reportCrash: (r) => reports.push(r) },
    )
    expect(reports.map((r) => r.error)).toEqual([boom])
  })

  it('a join that a pending cancellation stopped at once does not count either', async () => {
    const reports: CrashReport[] = []
    const boom = new Error('nobody saw this either')
    await vrun(
      function* () {
        const child = yield* spawn(function* () {
          yield* sleep(10)
          throw boom
        })
        const parent = yield* spawn(function* () {
          const me = yield* currentTask()
          yield* me.cancel({ blocking: false })
          yield* child.join() // throws the pending TaskCancelled before waiting
        })
        yield* parent.wait()
        yield* sleep(20)
      },
      { reportCrash: (r) => reports.push(r) },
    )
    expect(reports.map((r) => r.error)).toEqual([boom])
  })
})

describe('bug: a group member calling cancelRemaining() failed trying to wait for itself', () => {
  it('"first one wins": a member cancels its siblings and returns its own value', async () => {
    await vrun(function* () {
      const g = new TaskGroup({ wait: 'all' })
      const loser = yield* g.spawn(() => sleep(100))
      const winner = yield* g.spawn(function* () {
        yield* sleep(10)
        yield* g.cancelRemaining()
        return 'winner'
      })
      yield* g.join()
      expect(yield* clock()).toBe(10)
      expect(winner.exception).toBeUndefined()
      expect(loser.exception).toBeInstanceOf(TaskCancelled)
      expect(g.results).toEqual(['winner'])
    })
  })
})

describe('regression: stack frames of Node internals', () => {
  it('a node:internal frame is no user frame (it was read as the file /timers)', () => {
    const stack = [
      'Error',
      '    at listOnTimeout (node:internal/timers:483:5)',
      '    at process.processTimers (node:internal/timers:520:7)',
      '    at main (/home/me/app.ts:12:3)',
      '    at file:///home/me/other.mjs:4:1',
    ].join('\n')
    expect(userFrames(stack)).toEqual(['/home/me/app.ts:12', 'file:///home/me/other.mjs:4'])
  })
})
