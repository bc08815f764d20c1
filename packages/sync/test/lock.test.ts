import { sleep, spawn, TaskError, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { Lock } from '../src/index.js'
import { catching, settle, vrun } from './helpers.js'

describe('Lock', () => {
  it('gives the lock to waiters in the order they asked (FIFO)', async () => {
    const order: string[] = []
    await vrun(function* () {
      const lock = new Lock()
      yield* lock.acquire()
      for (const name of ['a', 'b', 'c']) {
        yield* spawn(
          lock.withLock(function* () {
            order.push(name)
            yield* sleep(1)
          }),
        )
        yield* settle(1)
      }
      lock.release()
      yield* sleep(10)
      expect(lock.locked()).toBe(false)
    })
    expect(order).toEqual(['a', 'b', 'c'])
  })

  it('hands the lock to the woken waiter: a task arriving before it runs cannot barge in', async () => {
    const order: string[] = []
    await vrun(function* () {
      const lock = new Lock()
      yield* lock.acquire()
      yield* spawn(
        lock.withLock(function* () {
          order.push('waiter')
        }),
      )
      yield* settle()
      lock.release()
      // The waiter is woken but has not run; the releaser itself and a new task both try now.
      expect(lock.locked()).toBe(true)
      yield* spawn(
        lock.withLock(function* () {
          order.push('newcomer')
        }),
      )
      yield* lock.withLock(function* () {
        order.push('releaser')
      })
    })
    // The newcomer only starts after the releaser asked, so it queues behind it.
    expect(order).toEqual(['waiter', 'releaser', 'newcomer'])
  })

  it('a waiter cancelled while waiting never holds the lock', async () => {
    await vrun(function* () {
      const lock = new Lock()
      yield* lock.acquire()
      const waiter = yield* spawn(lock.acquire())
      yield* settle()
      yield* waiter.cancel()
      lock.release()
      expect(lock.locked()).toBe(false)
      yield* lock.acquire() // would wait forever if the cancelled waiter had taken it
      lock.release()
    })
  })

  it('a waiter cancelled but not yet resumed is skipped by a release made in that instant', async () => {
    await vrun(function* () {
      const lock = new Lock()
      yield* lock.acquire()
      const cancelled = yield* spawn(lock.acquire())
      yield* settle()
      yield* cancelled.cancel({ blocking: false })
      lock.release()
      expect(lock.locked()).toBe(false)
    })
  })

  it('a waiter that times out never holds the lock; the next waiter gets it', async () => {
    const got: string[] = []
    await vrun(function* () {
      const lock = new Lock()
      yield* lock.acquire()
      const impatient = yield* spawn(function* () {
        yield* timeoutAfter(5, lock.acquire())
        got.push('impatient')
      })
      const patient = yield* spawn(function* () {
        yield* lock.acquire()
        got.push('patient')
      })
      yield* sleep(10)
      expect(impatient.terminated).toBe(true)
      lock.release()
      yield* patient.join()
      expect(lock.locked()).toBe(true) // held by patient, which never released it
      expect(impatient.exception).toBeInstanceOf(TaskTimeout)
    })
    expect(got).toEqual(['patient'])
  })

  it('a waiter woken and then cancelled before it runs owns the lock; withLock releases it', async () => {
    const log: string[] = []
    await vrun(function* () {
      const lock = new Lock()
      yield* lock.acquire()
      const waiter = yield* spawn(
        lock.withLock(function* () {
          log.push('holding')
          yield* sleep(1) // the pending cancellation is delivered here
          log.push('not reached')
        }),
      )
      yield* settle()
      lock.release()
      yield* waiter.cancel({ blocking: false })
      expect(lock.locked()).toBe(true) // handed over to the waiter
      yield* waiter.wait()
      expect(waiter.cancelled).toBe(true)
      expect(lock.locked()).toBe(false)
    })
    expect(log).toEqual(['holding'])
  })

  it('withLock releases the lock when the operation throws', async () => {
    await vrun(function* () {
      const lock = new Lock()
      const t = yield* spawn(
        lock.withLock(function* () {
          yield* sleep(1)
          throw new Error('boom')
        }),
      )
      const e: unknown = yield* catching(t.join())
      expect(e).toBeInstanceOf(TaskError)
      expect(lock.locked()).toBe(false)
    })
  })

  it('release() of an unheld lock throws, also from a plain callback', async () => {
    const lock = new Lock()
    expect(() => lock.release()).toThrow(/not held/)
    await vrun(function* () {
      yield* lock.acquire()
    })
    lock.release() // a plain callback may release a Lock (it has no owner)
    expect(lock.locked()).toBe(false)
  })

  it('withLock rejects what is not an operation at the call', () => {
    const lock = new Lock()
    expect(() => lock.withLock(42 as never)).toThrow(TypeError)
    expect(() => lock.withLock((async () => {}) as never)).toThrow(TypeError)
    expect(lock.locked()).toBe(false)
  })

  it('a timeout around withLock leaves the lock free', async () => {
    await vrun(function* () {
      const lock = new Lock()
      const e = yield* catching(
        timeoutAfter(
          5,
          lock.withLock(function* () {
            yield* sleep(100)
          }),
        ),
      )
      expect(e).toBeInstanceOf(TaskTimeout)
      expect(lock.locked()).toBe(false)
    })
  })
})
