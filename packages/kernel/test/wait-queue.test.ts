import { describe, expect, it } from 'vitest'
import {
  clock,
  ignoreAfter,
  Kernel,
  type Operation,
  run,
  sleep,
  spawn,
  type Task,
  TaskCancelled,
  WaitQueue,
} from '../src/index.js'
import { vrun } from './helpers.js'

describe('WaitQueue', () => {
  it('wakes waiters in FIFO order; wake(n) returns how many were woken', async () => {
    const order: number[] = []
    await vrun(function* () {
      const q = new WaitQueue()
      const tasks: Task<void>[] = []
      for (let i = 0; i < 4; i++) {
        tasks.push(
          yield* spawn(function* () {
            yield* q.suspend()
            order.push(i)
          }),
        )
      }
      yield* sleep(0)
      expect(q.length).toBe(4)
      expect(q.wake(2)).toBe(2)
      expect(q.length).toBe(2)
      yield* sleep(0)
      expect(order).toEqual([0, 1])
      expect(q.wakeAll()).toBe(2)
      expect(q.wake()).toBe(0)
      for (const t of tasks) yield* t.join()
    })
    expect(order).toEqual([0, 1, 2, 3])
  })

  it('shows the given state name while a task waits', async () => {
    await vrun(function* () {
      const q = new WaitQueue()
      const t = yield* spawn(() => q.suspend('LOCK_ACQUIRE'))
      yield* sleep(0)
      expect(t.state).toBe('LOCK_ACQUIRE')
      q.wake()
      yield* t.join()
      expect(() => q.suspend(3 as unknown as string)).toThrow(TypeError)
    })
  })

  it('a cancelled waiter leaves the queue (its teardown undoes the registration)', async () => {
    await vrun(function* () {
      const q = new WaitQueue()
      const a = yield* spawn(() => q.suspend())
      const b = yield* spawn(() => q.suspend())
      yield* sleep(0)
      expect(q.length).toBe(2)
      yield* a.cancel()
      expect(q.length).toBe(1)
      expect(a.exception).toBeInstanceOf(TaskCancelled)
      // The next wake goes to b, not to the cancelled a.
      expect(q.wake()).toBe(1)
      yield* b.join()
    })
  })

  it('a timed-out waiter leaves the queue', async () => {
    await vrun(function* () {
      const q = new WaitQueue()
      expect(yield* ignoreAfter(10, q.suspend(), { timeoutResult: 'timed out' })).toBe('timed out')
      expect(q.length).toBe(0)
    })
  })

  it('wake works from a plain callback outside any task and schedules the kernel', async () => {
    const q = new WaitQueue({ external: true })
    const out = await run(function* () {
      setTimeout(() => q.wake(), 5)
      yield* q.suspend('EXTERNAL_WAIT')
      return 'woken by a timer callback'
    })
    expect(out).toBe('woken by a timer callback')
  })

  it('wake from promise code wakes the task', async () => {
    const q = new WaitQueue({ external: true })
    const out = await run(function* () {
      void Promise.resolve().then(() => q.wake())
      yield* q.suspend()
      return 'woken'
    })
    expect(out).toBe('woken')
  })

  it('a task woken from a callback runs even when the kernel had nothing else to do', async () => {
    const kernel = new Kernel()
    const q = new WaitQueue({ external: true })
    const done = kernel.run(function* () {
      yield* q.suspend()
      return 'resumed'
    })
    await new Promise((r) => setTimeout(r, 10))
    expect(q.length).toBe(1)
    q.wake()
    expect(await done).toBe('resumed')
    await kernel.close()
  })
})

describe('external wait queues and the virtual clock', () => {
  it('an ordinary wait does not hold time: the clock jumps past it', async () => {
    await vrun(function* () {
      const q = new WaitQueue()
      const waiter = yield* spawn(() => q.suspend())
      yield* sleep(10_000)
      expect(yield* clock()).toBe(10_000)
      yield* waiter.cancel()
    })
  })

  it('an external wait holds time until the outside world ends it', async () => {
    const q = new WaitQueue({ external: true })
    const seen = await vrun(function* () {
      const sleeper = yield* spawn(function* (): Operation<number> {
        return yield* sleep(1000)
      })
      setTimeout(() => q.wake(), 20)
      yield* q.suspend()
      const atWake = yield* clock()
      const slept = yield* sleeper.join()
      return [atWake, slept]
    })
    // Real milliseconds passed while the external wait was pending, but virtual time did not move.
    expect(seen).toEqual([0, 1000])
  })

  it('a cancelled external waiter stops holding time', async () => {
    const started = performance.now()
    await vrun(function* () {
      const q = new WaitQueue({ external: true })
      const t = yield* spawn(() => q.suspend())
      yield* sleep(0)
      yield* t.cancel()
      yield* sleep(3_600_000)
    })
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
