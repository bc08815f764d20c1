// Curio's tests/test_promise.py, translated: a Promise class built from an Event, as Curio's
// test builds it (Curio's `async with promise:` that stores an exception is `capture` here).
import { Event, type Operation, spawn } from 'curio'
import { describe, expect, it } from 'vitest'
import { raises, vrun } from './support.js'

class CurioPromise<T> {
  private readonly event = new Event()
  data: T | undefined = undefined
  exception: unknown = undefined

  toString(): string {
    if (!this.isSet()) return '<CurioPromise [unset]>'
    return `<CurioPromise [${this.exception !== undefined ? String(this.exception) : String(this.data)}]>`
  }

  isSet(): boolean {
    return this.event.isSet()
  }

  clear(): void {
    this.data = undefined
    this.exception = undefined
    this.event.clear()
  }

  set(data: T): void {
    this.data = data
    this.event.set()
  }

  *get(): Operation<T> {
    yield* this.event.wait()
    if (this.exception !== undefined) throw this.exception
    return this.data as T
  }

  /** Run `body`; an exception it throws is stored and sets the promise (Curio's __aexit__). */
  *capture(body: () => Operation<void>): Operation<void> {
    try {
      yield* body()
    } catch (error) {
      this.exception = error
      this.event.set()
    }
  }
}

describe('test_promise.py', () => {
  it('test_promise.py::test_promise', async () => {
    await vrun(function* () {
      const promise = new CurioPromise<number>()
      expect(promise.isSet()).toBe(false)
      const producer = yield* spawn(function* () {
        promise.set(42)
      })
      expect(yield* promise.get()).toBe(42)
      expect(promise.isSet()).toBe(true)
      yield* producer.join()
    })
  })

  it('test_promise.py::test_promise_exception', async () => {
    await vrun(function* () {
      const promise = new CurioPromise<number>()
      const producer = yield* spawn(() =>
        promise.capture(function* () {
          throw new RangeError()
        }),
      )
      expect(yield* raises(promise.get())).toBeInstanceOf(RangeError)
      yield* producer.join()
    })
  })

  it('test_promise.py::test_promise_no_exception', async () => {
    await vrun(function* () {
      const promise = new CurioPromise<number>()
      yield* promise.capture(function* () {})
      expect(promise.isSet()).toBe(false)
    })
  })

  it('test_promise.py::test_promise_internals', async () => {
    await vrun(function* () {
      const promise = new CurioPromise<number>()
      expect(promise.isSet()).toBe(false)
      expect(String(promise)).toMatch(/\[unset\]>$/)
      promise.set(42)
      expect(promise.isSet()).toBe(true)
      expect([promise.data, promise.exception]).toEqual([42, undefined])
      expect(String(promise)).toMatch(/\[42\]>$/)
      promise.clear()
      expect(String(promise)).toMatch(/\[unset\]>$/)
      yield* promise.capture(function* () {
        throw new RangeError('boom')
      })
      expect(promise.isSet()).toBe(true)
      expect(promise.data).toBeUndefined()
      expect(promise.exception).toBeInstanceOf(RangeError)
      expect(String(promise)).toMatch(/\[RangeError: boom\]>$/)
      promise.clear()
      expect([promise.isSet(), promise.data, promise.exception]).toEqual([false, undefined, undefined])
    })
  })
})
