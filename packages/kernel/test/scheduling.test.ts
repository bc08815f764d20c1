import { describe, expect, it } from 'vitest'
import {
  awaitPromise,
  MUST_WAIT,
  type Operation,
  run,
  schedule,
  sleep,
  spawn,
  TaskTimeout,
  timeoutAfter,
  WaitQueue,
} from '../src/index.js'
import { vrun } from './helpers.js'

describe('ready queue', () => {
  it('is FIFO: tasks first run in the order they were spawned', async () => {
    const order: number[] = []
    await vrun(function* () {
      for (let i = 0; i < 5; i++) {
        yield* spawn(function* () {
          order.push(i)
        })
      }
      yield* sleep(1)
    })
    expect(order).toEqual([0, 1, 2, 3, 4])
  })

  it('sleep(0) is a fair yield: round robin between ready tasks', async () => {
    const order: string[] = []
    await vrun(function* () {
      const worker = (name: string) =>
        function* (): Operation<void> {
          for (let i = 0; i < 3; i++) {
            order.push(`${name}${i}`)
            yield* sleep(0)
          }
        }
      const a = yield* spawn(worker('a'))
      const b = yield* spawn(worker('b'))
      yield* a.join()
      yield* b.join()
    })
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2'])
  })

  it('a task made ready during a pass runs in the next pass, after the tasks already ready', async () => {
    const order: string[] = []
    await vrun(function* () {
      const q = new WaitQueue()
      yield* spawn(function* waiter() {
        yield* q.suspend()
        order.push('woken waiter')
      })
      yield* schedule() // waiter is now suspended
      yield* spawn(function* waker() {
        order.push('waker wakes')
        q.wake()
        yield* schedule()
        order.push('waker again')
      })
      yield* spawn(function* bystander() {
        order.push('bystander')
        yield* schedule()
        order.push('bystander again')
      })
      yield* sleep(1)
    })
    // waker and bystander were ready when the pass began; the woken waiter joins the queue behind
    // the waker's own fair yield.
    expect(order).toEqual(['waker wakes', 'bystander', 'woken waiter', 'waker again', 'bystander again'])
  })

  it('schedule() is the same as sleep(0)', async () => {
    const order: string[] = []
    await vrun(function* () {
      yield* spawn(function* () {
        order.push('other')
      })
      yield* schedule()
      order.push('main')
    })
    expect(order).toEqual(['other', 'main'])
  })
})

describe('no starvation', () => {
  it('a task spinning on sleep(0) does not starve timers, I/O callbacks or promise callbacks', async () => {
    const out = await run(function* () {
      let spins = 0
      const spinner = yield* spawn(function* () {
        for (;;) {
          spins++
          yield* sleep(0)
        }
      })
      const timer = yield* awaitPromise(new Promise<string>((r) => setTimeout(() => r('timer'), 10)))
      const immediate = yield* awaitPromise(new Promise<string>((r) => setImmediate(() => r('immediate'))))
      const slept = yield* sleep(5)
      yield* spinner.cancel()
      return { timer, immediate, slept: slept > 0, spun: spins > 10 }
    })
    expect(out).toEqual({ timer: 'timer', immediate: 'immediate', slept: true, spun: true })
  })

  it('a ping-pong pair of tasks does not starve a third (Curio test_ping_pong_starvation)', async () => {
    const out = await vrun(function* () {
      const q1 = new WaitQueue()
      const q2 = new WaitQueue()
      const pingpong = (inq: WaitQueue, outq: WaitQueue) =>
        function* (): Operation<never> {
          for (;;) {
            outq.wake()
            yield* inq.suspend()
          }
        }
      const p1 = yield* spawn(pingpong(q1, q2))
      const p2 = yield* spawn(pingpong(q2, q1))
      const survivor = yield* spawn(function* () {
        for (let i = 0; i < 10; i++) yield* sleep(0)
        return 'i survived!'
      })
      const v = yield* survivor.join()
      yield* p1.cancel()
      yield* p2.cancel()
      return v
    })
    expect(out).toBe('i survived!')
  })

  it('a kernel timer fires on time while two tasks hand a value back and forth without end (real clock)', async () => {
    // Passes of one short step each: the kernel reads the clock only every few passes then
    // (kernel.ts, fireTimersAt), and the timeout must still come about on time.
    const out = await run(function* () {
      let switches = 0
      const LIMIT = 20_000_000 // the pair gives up here: far beyond what 5 ms allows
      const box = (queue: WaitQueue<number>) => () => queue.suspend('BOX', () => MUST_WAIT)
      const a = new WaitQueue<number>()
      const b = new WaitQueue<number>()
      const player = (inbox: WaitQueue<number>, outbox: WaitQueue<number>, first: boolean) =>
        function* (): Operation<void> {
          if (first) outbox.wake(1, 0)
          const take = box(inbox)
          while (switches < LIMIT) {
            const v = yield* take()
            switches++
            if (outbox.wake(1, v + 1) === 0) return
          }
        }
      const p1 = yield* spawn(player(a, b, false))
      const p2 = yield* spawn(player(b, a, true))
      const start = performance.now()
      let timedOut = false
      try {
        yield* timeoutAfter(5, new WaitQueue().suspend('NEVER'))
      } catch (error) {
        if (!(error instanceof TaskTimeout)) throw error
        timedOut = true
      }
      const late = performance.now() - start - 5
      const during = switches
      yield* p1.cancel()
      yield* p2.cancel()
      return { timedOut, late, during }
    })
    expect(out.timedOut).toBe(true)
    expect(out.during).toBeGreaterThan(100) // the pair really was switching meanwhile
    expect(out.during).toBeLessThan(20_000_000)
    expect(out.late).toBeLessThan(250)
  })

  it('a timer callback fires while tasks keep the kernel busy for longer than a slice', async () => {
    let fired = 0
    const spun = await run(function* () {
      const t = setInterval(() => fired++, 1)
      // Starved, the interval would never fire and this would spin until the bound.
      const bound = performance.now() + 2000
      let spins = 0
      while (fired < 3 && performance.now() < bound) {
        spins++
        yield* sleep(0)
      }
      clearInterval(t)
      return spins
    })
    expect(fired).toBeGreaterThanOrEqual(3)
    expect(spun).toBeGreaterThan(0)
  })
})
