import { describe, expect, it } from 'vitest'
import {
  CancelledError,
  clock,
  disableCancellation,
  ignoreAfter,
  ignoreAt,
  type Operation,
  run,
  schedule,
  sleep,
  spawn,
  TaskTimeout,
  TimeoutCancellationError,
  timeoutAfter,
  timeoutAt,
  UncaughtTimeoutError,
  WaitQueue,
} from '../src/index.js'
import { rejection, vrun } from './helpers.js'

function* caught<T>(op: Operation<T>): Operation<unknown> {
  try {
    return yield* op
  } catch (e) {
    return e
  }
}

describe('timeoutAfter / timeoutAt', () => {
  it('returns the value when the operation finishes in time (Curio test_sleep_notimeout)', async () => {
    await vrun(function* () {
      expect(
        yield* timeoutAfter(500, function* () {
          yield* sleep(100)
          return 'in time'
        }),
      ).toBe('in time')
      // The finished block's deadline does not fire later.
      yield* sleep(1000)
      expect(yield* clock()).toBe(1100)
    })
  })

  it('cancels the operation at its blocking point and throws TaskTimeout carrying the clock (Curio test_sleep_timeout)', async () => {
    const log: unknown[] = []
    await vrun(function* () {
      const e = yield* caught(
        timeoutAfter(100, function* () {
          try {
            yield* sleep(1000)
          } catch (inner) {
            log.push(inner)
            throw inner
          }
        }),
      )
      expect(e).toBeInstanceOf(TaskTimeout)
      expect((e as TaskTimeout).clock).toBe(100)
      expect(yield* clock()).toBe(100)
    })
    // Inside, the operation saw a TaskTimeout too (it is a CancelledError).
    expect(log[0]).toBeInstanceOf(TaskTimeout)
    expect(log[0]).toBeInstanceOf(CancelledError)
  })

  it('timeoutAt takes an absolute deadline on the kernel clock (Curio test_sleep_timeout_absolute)', async () => {
    await vrun(function* () {
      yield* sleep(50)
      const e = yield* caught(timeoutAt((yield* clock()) + 100, sleep(1000)))
      expect(e).toBeInstanceOf(TaskTimeout)
      expect(yield* clock()).toBe(150)
    })
  })

  it('a deadline already in the past times out at the first blocking point', async () => {
    await vrun(function* () {
      yield* sleep(10)
      const e = yield* caught(timeoutAt(5, sleep(1)))
      expect(e).toBeInstanceOf(TaskTimeout)
      expect(yield* clock()).toBe(10)
    })
  })

  it('a deadline that expires while the operation runs without blocking is not delivered after the block exited', async () => {
    // Real clock: the body spins past its deadline, then passes one fair yield (which
    // completes at once), and returns before its next blocking point.
    const out = await run(function* () {
      const v = yield* timeoutAfter(5, function* () {
        const end = performance.now() + 15
        while (performance.now() < end) {}
        yield* schedule()
        return 'finished first'
      })
      yield* sleep(10)
      return v
    })
    expect(out).toBe('finished first')
  })

  it('takes a generator function as well as an operation, and rejects a non-number time', async () => {
    await vrun(function* () {
      function* body(): Operation<number> {
        return 3
      }
      expect(yield* timeoutAfter(10, body)).toBe(3)
      expect(() => timeoutAfter(Number.NaN, body)).toThrow(TypeError)
      expect(() => timeoutAfter('10' as unknown as number, body)).toThrow(TypeError)
    })
  })

  it('a TaskTimeout of a timed-out task is a normal exception for join', async () => {
    await vrun(function* () {
      const t = yield* spawn(() => timeoutAfter(10, sleep(100)))
      const e = yield* caught(t.join())
      expect((e as Error).cause).toBeInstanceOf(TaskTimeout)
    })
  })
})

describe('ignoreAfter / ignoreAt', () => {
  it('returns undefined on expiry (Curio test_sleep_ignore_timeout)', async () => {
    await vrun(function* () {
      expect(yield* ignoreAfter(100, sleep(1000))).toBeUndefined()
      expect(yield* clock()).toBe(100)
    })
  })

  it('returns timeoutResult on expiry, the value otherwise', async () => {
    await vrun(function* () {
      expect(yield* ignoreAfter(100, sleep(1000), { timeoutResult: 'late' })).toBe('late')
      expect(yield* ignoreAfter(100, sleep(10), { timeoutResult: 'late' })).toBe(110)
    })
  })

  it('ignoreAt takes an absolute deadline (Curio test_sleep_ignore_timeout_absolute)', async () => {
    await vrun(function* () {
      const now = yield* clock()
      expect(yield* ignoreAt(now + 100, sleep(1000), { timeoutResult: null })).toBeNull()
      expect(yield* clock()).toBe(now + 100)
    })
  })
})

describe('nesting', () => {
  it('outer expiry first: the inner block sees TimeoutCancellationError, the outer gets TaskTimeout (Curio test_nested_timeout)', async () => {
    const results: string[] = []
    await vrun(function* () {
      function* coro1(): Operation<void> {
        results.push('coro1 start')
        yield* sleep(1000)
        results.push('coro1 done')
      }
      function* coro2(): Operation<void> {
        results.push('coro2 start')
        yield* sleep(1000)
        results.push('coro2 done')
      }
      function* child(): Operation<void> {
        try {
          yield* timeoutAfter(5000, coro1)
          results.push('coro1 success')
        } catch (e) {
          if (e instanceof TaskTimeout) results.push('coro1 timeout')
          else if (e instanceof TimeoutCancellationError) results.push('coro1 timeout cancel')
          else throw e
        }
        yield* coro2()
        results.push('coro2 success')
      }
      try {
        yield* timeoutAfter(1000, child)
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e
        results.push('parent timeout')
      }
    })
    expect(results).toEqual(['coro1 start', 'coro1 timeout cancel', 'coro2 start', 'parent timeout'])
  })

  it('every block inside the outermost expired one sees TimeoutCancellationError (Curio test_nested_context_timeout2)', async () => {
    const seen: string[] = []
    await vrun(function* () {
      function* coro1(): Operation<void> {
        try {
          yield* timeoutAfter(10_000, sleep(5000))
        } catch (e) {
          seen.push(`coro1 ${(e as Error).name}`)
          throw e
        }
      }
      function* coro2(): Operation<void> {
        try {
          yield* timeoutAfter(15_000, coro1)
        } catch (e) {
          seen.push(`coro2 ${(e as Error).name}`)
          throw e
        }
      }
      const e = yield* caught(timeoutAfter(100, coro2))
      seen.push(`parent ${(e as Error).name}`)
      expect((e as TaskTimeout).clock).toBe(100)
    })
    expect(seen).toEqual([
      'coro1 TimeoutCancellationError',
      'coro2 TimeoutCancellationError',
      'parent TaskTimeout',
    ])
  })

  it('an inner ignoreAfter does not swallow an outer expiry', async () => {
    const log: string[] = []
    await vrun(function* () {
      const e = yield* caught(
        timeoutAfter(10, function* () {
          const r = yield* ignoreAfter(1000, sleep(5000), { timeoutResult: 'inner swallowed it' })
          log.push(String(r))
          yield* sleep(5000)
        }),
      )
      expect(e).toBeInstanceOf(TaskTimeout)
      expect(yield* clock()).toBe(10)
    })
    expect(log).toEqual([])
  })

  it('when both deadlines expire at once the outermost gets TaskTimeout, even if the inner is an ignoreAfter', async () => {
    await vrun(function* () {
      let innerSaw: unknown
      const e = yield* caught(
        timeoutAfter(10, function* () {
          try {
            yield* ignoreAfter(10, sleep(100))
          } catch (inner) {
            innerSaw = inner
            throw inner
          }
        }),
      )
      expect(innerSaw).toBeInstanceOf(TimeoutCancellationError)
      expect(e).toBeInstanceOf(TaskTimeout)
    })
  })

  it('an inner ignoreAfter that expires first returns its result and the outer block goes on', async () => {
    await vrun(function* () {
      const out = yield* timeoutAfter(100, function* () {
        const r = yield* ignoreAfter(10, sleep(1000), { timeoutResult: 'inner' })
        yield* sleep(50)
        return r
      })
      expect(out).toBe('inner')
      expect(yield* clock()).toBe(60)
    })
  })

  it('after the inner block timed out, the outer deadline still fires', async () => {
    await vrun(function* () {
      const e = yield* caught(
        timeoutAfter(100, function* () {
          yield* ignoreAfter(10, sleep(1000))
          yield* sleep(1000)
        }),
      )
      expect(e).toBeInstanceOf(TaskTimeout)
      expect(yield* clock()).toBe(100)
    })
  })

  it('an inner TaskTimeout that escapes into a block that has not expired becomes UncaughtTimeoutError (Curio test_nested_timeout_uncaught)', async () => {
    const results: string[] = []
    await vrun(function* () {
      function* coro1(): Operation<void> {
        results.push('coro1 start')
        yield* sleep(5000)
        results.push('coro1 done')
      }
      function* child(): Operation<void> {
        yield* timeoutAfter(1000, coro1) // not caught here
      }
      try {
        yield* timeoutAfter(10_000, child)
      } catch (e) {
        if (e instanceof UncaughtTimeoutError) {
          results.push('uncaught timeout')
          expect(e.cause).toBeInstanceOf(TaskTimeout)
        } else if (e instanceof TaskTimeout) results.push('parent timeout')
        else throw e
      }
    })
    expect(results).toEqual(['coro1 start', 'uncaught timeout'])
  })

  it('an inner timeout caught inside its block does not disturb the outer one', async () => {
    await vrun(function* () {
      const out = yield* timeoutAfter(100, function* () {
        const e = yield* caught(timeoutAfter(10, sleep(1000)))
        expect(e).toBeInstanceOf(TaskTimeout)
        return yield* clock()
      })
      expect(out).toBe(10)
    })
  })

  it('a TaskTimeout thrown by user code inside a block that has not expired is an UncaughtTimeoutError', async () => {
    await vrun(function* () {
      const e = yield* caught(
        timeoutAfter(100, function* () {
          yield* sleep(1)
          throw new TaskTimeout(1)
        }),
      )
      expect(e).toBeInstanceOf(UncaughtTimeoutError)
    })
  })

  it('a non-timeout error passes through every block unchanged', async () => {
    const boom = new Error('boom')
    await vrun(function* () {
      const e = yield* caught(
        timeoutAfter(100, () =>
          ignoreAfter(50, function* () {
            yield* sleep(1)
            throw boom
          }),
        ),
      )
      expect(e).toBe(boom)
    })
  })

  it('timeouts of different tasks are independent', async () => {
    await vrun(function* () {
      const a = yield* spawn(() => ignoreAfter(10, sleep(100), { timeoutResult: 'a timed out' }))
      const b = yield* spawn(() => ignoreAfter(50, sleep(20), { timeoutResult: 'b timed out' }))
      expect(yield* a.join()).toBe('a timed out')
      expect(yield* b.join()).toBe(20)
    })
  })
})

describe('timeouts under disableCancellation', () => {
  it('are held pending inside the region, and the block exits normally if nothing blocks after it', async () => {
    await vrun(function* () {
      const out = yield* timeoutAfter(10, function* () {
        yield* disableCancellation(sleep(50))
        return 'shielded'
      })
      expect(out).toBe('shielded')
      expect(yield* clock()).toBe(50)
      // The expired deadline never fires later.
      yield* sleep(100)
    })
  })

  it('are delivered at the first blocking trap after the region, inside the block', async () => {
    const log: string[] = []
    await vrun(function* () {
      const e = yield* caught(
        timeoutAfter(10, function* () {
          yield* disableCancellation(function* () {
            yield* sleep(50)
            log.push('region done')
          })
          yield* sleep(1)
          log.push('not reached')
        }),
      )
      expect(e).toBeInstanceOf(TaskTimeout)
      expect((e as TaskTimeout).clock).toBe(10)
      expect(yield* clock()).toBe(50)
    })
    expect(log).toEqual(['region done'])
  })

  it('a pending timeout is not raised by leaving the timeout block (Curio test_pending_cancellation)', async () => {
    await vrun(function* () {
      const q = new WaitQueue()
      const out = yield* disableCancellation(function* () {
        yield* timeoutAfter(5, sleep(10)) // fires inside; held
        return 'left the block quietly'
      })
      expect(out).toBe('left the block quietly')
      expect(q.length).toBe(0)
      yield* sleep(1)
    })
  })
})

describe('errors', () => {
  it('TaskTimeout and TimeoutCancellationError are CancelledErrors carrying .clock; UncaughtTimeoutError is not', () => {
    expect(new TaskTimeout(5).clock).toBe(5)
    expect(new TimeoutCancellationError(7).clock).toBe(7)
    expect(new TaskTimeout()).toBeInstanceOf(CancelledError)
    expect(new TimeoutCancellationError()).toBeInstanceOf(CancelledError)
    expect(new UncaughtTimeoutError('x')).not.toBeInstanceOf(CancelledError)
  })

  it('a TaskTimeout that escapes main rejects run with it', async () => {
    const e = await rejection(vrun(() => timeoutAfter(10, sleep(100))))
    expect(e).toBeInstanceOf(TaskTimeout)
  })
})
