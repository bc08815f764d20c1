import { run, sleep, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { BoundedSemaphore, Semaphore } from '../src/index.js'
import { settle, vrun } from './helpers.js'

describe('Semaphore', () => {
  it('lets at most `value` tasks in at once, the rest in FIFO order', async () => {
    const log: string[] = []
    let inside = 0
    let most = 0
    await vrun(function* () {
      const sem = new Semaphore(2)
      const tasks = []
      for (const name of ['a', 'b', 'c', 'd', 'e']) {
        tasks.push(
          yield* spawn(
            sem.withAcquire(function* () {
              log.push(name)
              most = Math.max(most, ++inside)
              yield* sleep(10)
              inside--
            }),
          ),
        )
      }
      for (const t of tasks) yield* t.join()
      expect(sem.value).toBe(2)
    })
    expect(most).toBe(2)
    expect(log).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('release hands the permit to the oldest waiter: acquire right after release waits', async () => {
    const log: string[] = []
    await vrun(function* () {
      const sem = new Semaphore(1)
      yield* sem.acquire()
      yield* spawn(
        sem.withAcquire(function* () {
          log.push('waiter')
        }),
      )
      yield* settle()
      sem.release()
      expect(sem.value).toBe(0)
      yield* sem.acquire()
      log.push('releaser')
      sem.release()
    })
    expect(log).toEqual(['waiter', 'releaser'])
  })

  it('a waiter cancelled or timed out while waiting takes no permit', async () => {
    await vrun(function* () {
      const sem = new Semaphore(1)
      yield* sem.acquire()
      const cancelled = yield* spawn(sem.acquire())
      const timedOut = yield* spawn(timeoutAfter(5, sem.acquire()))
      yield* settle()
      yield* cancelled.cancel()
      yield* sleep(10)
      expect(timedOut.exception).toBeInstanceOf(TaskTimeout)
      sem.release()
      expect(sem.value).toBe(1)
    })
  })

  it('a waiter woken then cancelled before it runs keeps the permit until withAcquire gives it back', async () => {
    await vrun(function* () {
      const sem = new Semaphore(1)
      yield* sem.acquire()
      const waiter = yield* spawn(
        sem.withAcquire(function* () {
          yield* sleep(100)
        }),
      )
      yield* settle()
      sem.release()
      yield* waiter.cancel({ blocking: false })
      expect(sem.value).toBe(0)
      yield* waiter.wait()
      expect(sem.value).toBe(1)
    })
  })

  it('rejects a bad initial value and a non-operation', () => {
    expect(() => new Semaphore(-1)).toThrow(TypeError)
    expect(() => new Semaphore(1.5)).toThrow(TypeError)
    expect(() => new Semaphore('2' as never)).toThrow(TypeError)
    expect(() => new Semaphore().withAcquire(null as never)).toThrow(TypeError)
    expect(new Semaphore(0).locked()).toBe(true)
  })

  it('release works from a plain callback (real clock)', async () => {
    const sem = new Semaphore(0)
    await run(function* () {
      setTimeout(() => sem.release(), 1)
      yield* sem.acquire()
    })
    expect(sem.value).toBe(0)
  })
})

describe('BoundedSemaphore', () => {
  it('throws when released more often than acquired', async () => {
    await vrun(function* () {
      const sem = new BoundedSemaphore(2)
      expect(() => sem.release()).toThrow(/released more often/)
      yield* sem.acquire()
      sem.release()
      expect(() => sem.release()).toThrow(/released more often/)
      expect(sem.value).toBe(2)
    })
  })

  it('hands a permit to a waiter even at the bound check', async () => {
    await vrun(function* () {
      const sem = new BoundedSemaphore(1)
      yield* sem.acquire()
      const t = yield* spawn(sem.acquire())
      yield* settle()
      sem.release()
      yield* t.join()
      expect(sem.value).toBe(0)
      sem.release()
      expect(sem.value).toBe(1)
    })
  })
})
