import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  awaitPromise,
  call,
  clock,
  type Operation,
  run,
  sleep,
  spawn,
  TaskCancelled,
  TaskTimeout,
  timeoutAfter,
} from '../src/index.js'
import { vrun } from './helpers.js'

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeEach(() => {
  unhandled.length = 0
  process.on('unhandledRejection', onUnhandled)
})
afterEach(() => {
  process.off('unhandledRejection', onUnhandled)
})

/** Lets Node run pending promise jobs and a macrotask, so late rejections surface. */
const settle = () => new Promise((r) => setTimeout(r, 5))

function later<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms))
}

describe('awaitPromise', () => {
  it('returns the value of the promise', async () => {
    expect(await run(() => awaitPromise(later(5, 'v')))).toBe('v')
  })

  it('throws the rejection reason itself', async () => {
    const boom = new Error('rejected')
    const out = await run(function* () {
      try {
        yield* awaitPromise(Promise.reject(boom))
      } catch (e) {
        return e
      }
    })
    expect(out).toBe(boom)
  })

  it('accepts any thenable', async () => {
    const thenable: PromiseLike<number> = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable is the point of this test
      then(onFulfilled) {
        setTimeout(() => onFulfilled?.(7), 1)
        return this as never
      },
    }
    expect(await run(() => awaitPromise(thenable))).toBe(7)
  })

  it('is cancellable: the promise is abandoned and its later rejection is not reported as unhandled', async () => {
    let reject: (e: Error) => void = () => {}
    const p = new Promise<never>((_, r) => {
      reject = r
    })
    await vrun(function* () {
      const t = yield* spawn(() => awaitPromise(p))
      yield* sleep(0)
      expect(t.state).toBe('FUTURE_WAIT')
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
    reject(new Error('late rejection'))
    await settle()
    expect(unhandled).toEqual([])
  })

  it('a timed-out wait abandons the promise; its later value goes nowhere', async () => {
    const out = await run(function* () {
      try {
        yield* timeoutAfter(5, awaitPromise(later(50, 'too late')))
      } catch (e) {
        return e
      }
    })
    expect(out).toBeInstanceOf(TaskTimeout)
  })

  it('holds the virtual clock while pending (an external wait)', async () => {
    const out = await vrun(function* () {
      const sleeper = yield* spawn(sleep(1000))
      const v = yield* awaitPromise(later(20, 'real time passed'))
      const now = yield* clock()
      yield* sleeper.cancel()
      return [v, now]
    })
    expect(out).toEqual(['real time passed', 0])
  })

  it('a cancelled wait releases the virtual clock again', async () => {
    const started = performance.now()
    await vrun(function* () {
      const t = yield* spawn(() => awaitPromise(new Promise(() => {})))
      yield* sleep(0)
      yield* t.cancel()
      // If the cancelled wait still held time, this virtual hour would never pass.
      yield* sleep(3_600_000)
      expect(yield* clock()).toBe(3_600_000)
    })
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('call', () => {
  it('runs promise code and returns its value; the signal is not aborted', async () => {
    let signal: AbortSignal | undefined
    const out = await run(() =>
      call((s) => {
        signal = s
        return later(2, 'called')
      }),
    )
    expect(out).toBe('called')
    expect(signal?.aborted).toBe(false)
  })

  it('returns a plain (non-promise) value at once', async () => {
    expect(await run(() => call(() => 3))).toBe(3)
  })

  it('aborts the signal with the cancellation error when the task is cancelled', async () => {
    let signal: AbortSignal | undefined
    await vrun(function* () {
      const t = yield* spawn(() =>
        call((s) => {
          signal = s
          return new Promise<never>((_, reject) => s.addEventListener('abort', () => reject(s.reason)))
        }),
      )
      yield* sleep(0)
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
      expect(signal?.reason).toBe(t.exception)
    })
    expect(signal?.aborted).toBe(true)
    await settle()
    expect(unhandled).toEqual([])
  })

  it('aborts the signal with the TaskTimeout when it times out', async () => {
    let signal: AbortSignal | undefined
    const e = await run(function* (): Operation<unknown> {
      try {
        yield* timeoutAfter(5, () =>
          call((s) => {
            signal = s
            return new Promise(() => {})
          }),
        )
      } catch (err) {
        return err
      }
    })
    expect(e).toBeInstanceOf(TaskTimeout)
    expect(signal?.aborted).toBe(true)
    expect(signal?.reason).toBeInstanceOf(TaskTimeout)
  })

  it('rejects a non-function', async () => {
    await vrun(function* () {
      let caught: unknown
      try {
        yield* call(5 as unknown as () => number)
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(TypeError)
    })
  })
})
