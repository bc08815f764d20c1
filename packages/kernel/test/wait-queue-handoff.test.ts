import {
  currentTask,
  Kernel,
  MUST_WAIT,
  type Operation,
  run,
  sleep,
  spawn,
  TaskCancelled,
  WaitQueue,
} from '@curio/kernel'
import { describe, expect, it } from 'vitest'

const virtual = { clock: 'virtual' } as const

describe('WaitQueue hands values over', () => {
  it('suspend returns the value wake handed to that waiter', async () => {
    const got: string[] = []
    await run(function* () {
      const q = new WaitQueue<string>()
      for (const name of ['a', 'b']) {
        yield* spawn(function* () {
          got.push(`${name}:${yield* q.suspend('GET')}`)
        })
      }
      yield* sleep(0)
      expect(q.wake(1, 'first')).toBe(1)
      expect(q.wake(1, 'second')).toBe(1)
      expect(q.wake(1, 'nobody')).toBe(0)
      yield* sleep(0)
    }, virtual)
    expect(got).toEqual(['a:first', 'b:second'])
  })

  it('a waiter cancelled while waiting has left the line: wake skips it and reports who got it', async () => {
    await run(function* () {
      const q = new WaitQueue<number>()
      const first = yield* spawn(() => q.suspend('GET'))
      const second = yield* spawn(() => q.suspend('GET'))
      yield* sleep(0)
      yield* first.cancel()
      expect(q.length).toBe(1)
      expect(q.wake(1, 7)).toBe(1)
      expect(yield* second.join()).toBe(7)
    }, virtual)
  })

  it('a waiter woken with a value and cancelled before it runs keeps the value', async () => {
    await run(function* () {
      const q = new WaitQueue<string>()
      let received: string | undefined
      const waiter = yield* spawn(function* () {
        received = yield* q.suspend('GET')
        yield* sleep(1) // the pending cancellation arrives here
      })
      yield* sleep(0)
      q.wake(1, 'handed over')
      yield* waiter.cancel()
      expect(received).toBe('handed over')
      expect(waiter.exception).toBeInstanceOf(TaskCancelled)
    }, virtual)
  })

  it('attempt finishes at once without blocking, and only when the task reaches it', async () => {
    await run(function* () {
      const q = new WaitQueue<number>()
      let stock = 1
      const take = (): Operation<number> => q.suspend('TAKE', () => (stock > 0 ? stock-- : MUST_WAIT))
      const op = take()
      expect(stock).toBe(1) // creating the operation takes nothing
      expect(yield* op).toBe(1)
      expect(stock).toBe(0)
      const waiter = yield* spawn(take)
      yield* sleep(0)
      expect(waiter.state).toBe('TAKE')
      q.wake(1, 99)
      expect(yield* waiter.join()).toBe(99)
    }, virtual)
  })

  it('an attempt that finishes is not a cancellation point; one that waits is', async () => {
    await run(function* () {
      const q = new WaitQueue<string>()
      const self = yield* currentTask()
      yield* self.cancel({ blocking: false }) // pending until our next blocking call
      expect(yield* q.suspend('X', () => 'now')).toBe('now')
      let caught: unknown
      try {
        yield* q.suspend('X', () => MUST_WAIT)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(TaskCancelled)
      expect(q.length).toBe(0)
    }, virtual)
  })

  it('failAll throws a fresh error into every waiter, tasks and promises alike', async () => {
    let promise: Promise<number> | undefined
    await run(function* () {
      const q = new WaitQueue<number>()
      const tasks = [yield* spawn(() => q.suspend('GET')), yield* spawn(() => q.suspend('GET'))]
      yield* sleep(0) // both tasks are in line before the promise
      promise = q.waitAsync()
      promise.catch(() => {})
      yield* sleep(0)
      let made = 0
      expect(q.failAll(() => new Error(`closed ${++made}`))).toBe(3)
      for (const t of tasks) yield* t.wait()
      expect((tasks[0]!.exception as Error).message).toBe('closed 1')
      expect((tasks[1]!.exception as Error).message).toBe('closed 2')
    }, virtual)
    await expect(promise).rejects.toThrow('closed 3')
  })
})

describe('WaitQueue promise waiters share the line with tasks', () => {
  it('wakes tasks and promises in arrival order', async () => {
    const got: Record<string, number> = {}
    const q = new WaitQueue<number>()
    const kernel = new Kernel(virtual)
    const p1 = q.waitAsync().then((v) => (got.promise1 = v))
    const main = kernel.run(function* () {
      const t = yield* spawn(function* () {
        got.task = yield* q.suspend('GET')
      })
      yield* sleep(0)
      const p2 = q.waitAsync().then((v) => (got.promise2 = v))
      expect(q.length).toBe(3)
      q.wake(1, 1)
      q.wake(1, 2)
      q.wake(1, 3)
      yield* t.join()
      return Promise.all([p1, p2])
    })
    await await main
    await kernel.close()
    expect(got).toEqual({ promise1: 1, task: 2, promise2: 3 })
  })

  it('an aborted promise waiter leaves the line and takes nothing', async () => {
    const q = new WaitQueue<string>()
    const controller = new AbortController()
    const gone = q.waitAsync({ signal: controller.signal })
    const stays = q.waitAsync()
    controller.abort(new Error('no longer interested'))
    await expect(gone).rejects.toThrow('no longer interested')
    expect(q.length).toBe(1)
    expect(q.wake(1, 'item')).toBe(1)
    await expect(stays).resolves.toBe('item')
  })

  it('rejects a signal that is not an AbortSignal, and an already aborted one at once', async () => {
    const q = new WaitQueue()
    await expect(q.waitAsync({ signal: {} as AbortSignal })).rejects.toThrow(TypeError)
    await expect(q.waitAsync({ signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early')
    expect(q.length).toBe(0)
  })

  it('rejects an attempt that is not a function', () => {
    expect(() => new WaitQueue().suspend('X', 5 as never)).toThrow(TypeError)
  })
})
