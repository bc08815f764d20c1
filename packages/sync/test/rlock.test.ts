import { awaitPromise, sleep, spawn } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { RLock } from '../src/index.js'
import { settle, vrun } from './helpers.js'

describe('RLock', () => {
  it('the owner may acquire it again; it is free after as many releases', async () => {
    await vrun(function* () {
      const lock = new RLock()
      yield* lock.acquire()
      yield* lock.withLock(function* () {
        yield* lock.withLock(function* () {
          expect(lock.locked()).toBe(true)
        })
      })
      expect(lock.locked()).toBe(true)
      lock.release()
      expect(lock.locked()).toBe(false)
    })
  })

  it('other tasks wait for the last release, then get it in FIFO order', async () => {
    const log: string[] = []
    await vrun(function* () {
      const lock = new RLock()
      yield* lock.acquire()
      yield* lock.acquire()
      for (const name of ['a', 'b']) {
        yield* spawn(
          lock.withLock(function* () {
            log.push(name)
            yield* sleep(1)
          }),
        )
      }
      yield* settle()
      lock.release()
      yield* settle()
      expect(log).toEqual([])
      lock.release()
      yield* sleep(5)
    })
    expect(log).toEqual(['a', 'b'])
  })

  it('release by a task that does not own it throws, and so does release outside any task', async () => {
    const lock = new RLock()
    expect(() => lock.release()).toThrow(/not held/)
    await vrun(function* () {
      yield* lock.acquire()
      const other = yield* spawn(function* () {
        lock.release()
      })
      yield* other.wait()
      expect(String(other.exception)).toMatch(/only the task that owns/)
      const fromCallback = yield* awaitPromise(
        new Promise((resolve) => setTimeout(() => resolve(catchSync(() => lock.release())), 0)),
      )
      expect(String(fromCallback)).toMatch(/only the task that owns/)
      lock.release()
    })
  })

  it('a waiter cancelled while waiting never owns it', async () => {
    await vrun(function* () {
      const lock = new RLock()
      yield* lock.acquire()
      const waiter = yield* spawn(lock.acquire())
      yield* settle()
      yield* waiter.cancel()
      lock.release()
      expect(lock.locked()).toBe(false)
    })
  })

  it('a waiter woken then cancelled before it runs owns it, and withLock releases it', async () => {
    await vrun(function* () {
      const lock = new RLock()
      yield* lock.acquire()
      const waiter = yield* spawn(
        lock.withLock(function* () {
          yield* sleep(10)
        }),
      )
      yield* settle()
      lock.release()
      yield* waiter.cancel({ blocking: false })
      expect(lock.locked()).toBe(true)
      yield* waiter.wait()
      expect(lock.locked()).toBe(false)
      yield* lock.acquire()
      lock.release()
    })
  })
})

function catchSync(fn: () => void): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  return undefined
}
