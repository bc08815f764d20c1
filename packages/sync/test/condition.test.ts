import { sleep, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { Condition, Lock, RLock } from '../src/index.js'
import { catching, settle, vrun } from './helpers.js'

describe('Condition', () => {
  it('waitFor sleeps until a notify makes the predicate true; notify wakes in FIFO order', async () => {
    const log: string[] = []
    await vrun(function* () {
      const cond = new Condition()
      const items: number[] = []
      for (const name of ['a', 'b']) {
        yield* spawn(
          cond.withLock(function* () {
            yield* cond.waitFor(() => items.length > 0)
            log.push(`${name} got ${items.shift()}`)
          }),
        )
      }
      yield* settle()
      for (const n of [1, 2]) {
        yield* cond.withLock(function* () {
          items.push(n)
          cond.notify()
        })
        yield* sleep(1)
      }
    })
    expect(log).toEqual(['a got 1', 'b got 2'])
  })

  it('notifyAll wakes every waiter; each re-acquires the lock in turn', async () => {
    let inside = 0
    let most = 0
    await vrun(function* () {
      const cond = new Condition()
      const tasks = []
      for (let i = 0; i < 3; i++) {
        tasks.push(
          yield* spawn(
            cond.withLock(function* () {
              yield* cond.wait()
              most = Math.max(most, ++inside)
              yield* sleep(1)
              inside--
            }),
          ),
        )
      }
      yield* settle()
      yield* cond.withLock(function* () {
        cond.notifyAll()
      })
      for (const t of tasks) yield* t.join()
    })
    expect(most).toBe(1)
  })

  it('notify, notifyAll and wait without holding the lock throw', async () => {
    const cond = new Condition()
    expect(() => cond.notify()).toThrow(/requires holding/)
    expect(() => cond.notifyAll()).toThrow(/requires holding/)
    await vrun(function* () {
      expect(yield* catching(cond.wait())).toBeInstanceOf(Error)
    })
  })

  it('a wait cancelled by a timeout raises with the lock held again; withLock releases it', async () => {
    await vrun(function* () {
      const lock = new Lock()
      const cond = new Condition(lock)
      let heldAtTimeout = false
      const e = yield* catching(
        cond.withLock(function* () {
          try {
            yield* timeoutAfter(5, cond.wait())
          } finally {
            heldAtTimeout = lock.locked()
          }
        }),
      )
      expect(e).toBeInstanceOf(TaskTimeout)
      expect(heldAtTimeout).toBe(true)
      expect(lock.locked()).toBe(false)
    })
  })

  it('works over an RLock held several times, restoring its depth after wait', async () => {
    await vrun(function* () {
      const lock = new RLock()
      const cond = new Condition(lock)
      let ready = false
      yield* spawn(
        cond.withLock(function* () {
          ready = true
          cond.notify()
        }),
      )
      yield* lock.acquire()
      yield* lock.acquire()
      yield* cond.waitFor(() => ready)
      lock.release()
      expect(lock.locked()).toBe(true)
      lock.release()
      expect(lock.locked()).toBe(false)
    })
  })

  it('rejects wrong argument types', () => {
    expect(() => new Condition({} as never)).toThrow(TypeError)
    const cond = new Condition()
    expect(() => cond.notify(-1)).toThrow(TypeError)
    expect(() => cond.withLock('x' as never)).toThrow(TypeError)
    expect(() => cond.waitFor(true as never).next()).toThrow(TypeError)
  })
})
