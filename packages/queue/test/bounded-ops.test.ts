import {
  awaitPromise,
  clock,
  type Operation,
  sleep,
  spawn,
  TaskCancelled,
  TaskTimeout,
  timeoutAfter,
} from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { LifoQueue, PriorityQueue, Queue, QueueClosed, QueueFull, UniversalQueue } from '../src/index.js'
import { catching, settle, vrun } from './helpers.js'

// On a bounded queue, `put` and `get` are each one small operation that makes a wait-queue trap
// only when it must wait (internal/put.ts, internal/bounded-get.ts): these pin down that both
// ways keep every rule of an operation and of the queue.

const kinds = [
  ['Queue', (n: number) => new Queue<number>(n)],
  ['LifoQueue', (n: number) => new LifoQueue<number>(n)],
  ['PriorityQueue', (n: number) => new PriorityQueue<number>(n)],
  ['UniversalQueue', (n: number) => new UniversalQueue<number>(n)],
] as const

/**
 * Step `op` by hand and forward what it yields as a fresh result object, running `between`
 * after its first step: the kernel then runs the trap's attempt again, as for any operation
 * that forwards a trap (`yield step.value`) instead of `yield*`.
 */
function* forwardByHand<T>(op: Operation<T>, between: () => void): Operation<T> {
  let step = op.next()
  between()
  while (step.done !== true) {
    const sent: unknown = yield step.value
    step = op.next(sent)
  }
  return step.value
}

describe.each(kinds)('a bounded %s put', (name, make) => {
  it('puts its item when the task reaches the yield*, not when put() is called', async () => {
    await vrun(function* () {
      const q = make(1)
      const put = q.put(1)
      expect(q.size).toBe(0)
      yield* put
      expect(q.getNowait()).toBe(1)
    })
  })

  it('runs once after it found room: running it again is a TypeError that names it, and puts nothing', async () => {
    await vrun(function* () {
      const q = make(2)
      const put = q.put(1)
      yield* put
      const again = yield* catching(put)
      expect(again).toBeInstanceOf(TypeError)
      expect(String(again)).toContain(`operation ${name}.put was already used`)
      expect(q.size).toBe(1)
    })
  })

  it('runs once after it waited for a slot: running it again is a TypeError, and puts nothing', async () => {
    await vrun(function* () {
      const q = make(1)
      q.putNowait(1)
      const put = q.put(2)
      const putter = yield* spawn(function* () {
        yield* put
        return yield* catching(put)
      })
      yield* settle()
      expect(putter.terminated).toBe(false)
      expect(q.getNowait()).toBe(1)
      expect(yield* putter.join()).toBeInstanceOf(TypeError)
      expect(q.getNowait()).toBe(2)
      expect(q.size).toBe(0)
    })
  })

  it('runs once even when it threw: a put that threw QueueClosed, run again, is a TypeError', async () => {
    await vrun(function* () {
      const q = make(1)
      const put = q.put(1)
      q.close()
      expect(yield* catching(put)).toBeInstanceOf(QueueClosed)
      expect(yield* catching(put)).toBeInstanceOf(TypeError)
    })
  })

  it('yielded without the star, puts nothing and is reported, with room or on a full queue', async () => {
    await vrun(function* () {
      for (const full of [false, true]) {
        const q = make(1)
        if (full) q.putNowait(0)
        const e = yield* catching(
          (function* () {
            yield q.put(1) as never
          })(),
        )
        expect(e).toBeInstanceOf(TypeError)
        expect(String(e)).toContain('without the star')
        expect(q.size).toBe(full ? 1 : 0)
      }
    })
  })

  it('with room, is no cancellation point: a task cancelled before it runs still puts', async () => {
    const reached: string[] = []
    await vrun(function* () {
      const q = make(2)
      const putter = yield* spawn(function* () {
        yield* q.put(1)
        yield* q.put(2)
        reached.push('puts done')
        yield* q.put(3) // full: the cancellation is delivered here
        reached.push('not reached')
      })
      yield* putter.cancel({ blocking: false })
      yield* putter.wait()
      expect(putter.exception).toBeInstanceOf(TaskCancelled)
      expect(q.size).toBe(2)
    })
    expect(reached).toEqual(['puts done'])
  })

  it('cancelled while waiting on a full queue, leaves nothing: the freed slot goes to the next putter', async () => {
    await vrun(function* () {
      const q = make(1)
      q.putNowait(1)
      const cancelled = yield* spawn(q.put(2))
      const next = yield* spawn(q.put(3))
      yield* settle()
      yield* cancelled.cancel()
      expect(cancelled.exception).toBeInstanceOf(TaskCancelled)
      expect(q.getNowait()).toBe(1)
      expect(() => q.putNowait(4)).toThrow(QueueFull) // the slot is the waiting putter's
      yield* next.join()
      expect(q.getNowait()).toBe(3)
      expect(q.size).toBe(0)
      q.taskDone()
      q.taskDone()
      yield* q.join() // the cancelled item was never counted
    })
  })

  it('forwarded by hand after a slot freed in between, puts at the kernel and reserves nothing', async () => {
    await vrun(function* () {
      const q = make(1)
      q.putNowait(1)
      yield* forwardByHand(q.put(2), () => expect(q.getNowait()).toBe(1))
      expect(q.getNowait()).toBe(2)
      q.putNowait(3)
      expect(() => q.putNowait(4)).toThrow(QueueFull) // one slot, as before
    })
  })

  it('stepped by hand outside any task, a put that finds room puts at once', () => {
    const q = make(1)
    const put = q.put(1)
    expect(put.next().done).toBe(true)
    expect(q.getNowait()).toBe(1)
  })
})

describe.each(kinds)('a bounded %s get', (name, make) => {
  it('takes its item when the task reaches the yield*, not when get() is called', async () => {
    await vrun(function* () {
      const q = make(1)
      const get = q.get()
      q.putNowait(1)
      expect(yield* get).toBe(1)
    })
  })

  it('runs once after it found an item: running it again is a TypeError that names it, and takes nothing', async () => {
    await vrun(function* () {
      const q = make(2)
      q.putNowait(1)
      const get = q.get()
      expect(yield* get).toBe(1)
      q.putNowait(2)
      const again = yield* catching(get)
      expect(again).toBeInstanceOf(TypeError)
      expect(String(again)).toContain(`operation ${name}.get was already used`)
      expect(q.size).toBe(1)
    })
  })

  it('runs once after it waited: running it again is a TypeError, and takes nothing', async () => {
    await vrun(function* () {
      const q = make(2)
      const get = q.get()
      const getter = yield* spawn(function* () {
        const item = yield* get
        return [item, yield* catching(get)] as const
      })
      yield* settle()
      q.putNowait(1)
      q.putNowait(2)
      const [item, again] = yield* getter.join()
      expect(item).toBe(1)
      expect(again).toBeInstanceOf(TypeError)
      expect(q.getNowait()).toBe(2)
    })
  })

  it('runs once even when it threw: a get that threw QueueClosed, run again, is a TypeError', async () => {
    await vrun(function* () {
      const q = make(1)
      const get = q.get()
      q.close()
      expect(yield* catching(get)).toBeInstanceOf(QueueClosed)
      expect(yield* catching(get)).toBeInstanceOf(TypeError)
    })
  })

  it('yielded without the star, takes nothing and is reported', async () => {
    await vrun(function* () {
      const q = make(1)
      q.putNowait(1)
      const e = yield* catching(
        (function* () {
          yield q.get() as never
        })(),
      )
      expect(String(e)).toContain('without the star')
      expect(q.size).toBe(1)
    })
  })

  it('finding an item, is no cancellation point: a task cancelled before it runs still takes it', async () => {
    const got: number[] = []
    await vrun(function* () {
      const q = make(1)
      q.putNowait(1)
      const getter = yield* spawn(function* () {
        got.push(yield* q.get())
        got.push(yield* q.get()) // empty: the cancellation is delivered here
      })
      yield* getter.cancel({ blocking: false })
      yield* getter.wait()
      expect(getter.exception).toBeInstanceOf(TaskCancelled)
      expect(q.size).toBe(0)
    })
    expect(got).toEqual([1])
  })

  it('forwarded by hand after an item arrived in between, takes it at the kernel and frees no slot it never held', async () => {
    await vrun(function* () {
      const q = make(1)
      expect(yield* forwardByHand(q.get(), () => q.putNowait(1))).toBe(1)
      q.putNowait(2)
      expect(() => q.putNowait(3)).toThrow(QueueFull) // one slot, as before
    })
  })

  it('stepped by hand outside any task, a get that finds an item takes it at once', () => {
    const q = make(1)
    q.putNowait(1)
    const step = q.get().next()
    expect(step).toMatchObject({ done: true, value: 1 })
    expect(q.size).toBe(0)
  })

  it('a get or put spawned as a task of its own waits and finishes as in a task', async () => {
    await vrun(function* () {
      const q = make(1)
      const getter = yield* spawn(q.get())
      yield* settle()
      expect(getter.terminated).toBe(false)
      yield* spawn(q.put(1))
      expect(yield* getter.join()).toBe(1)
      q.putNowait(2)
      const putter = yield* spawn(q.put(3))
      yield* settle()
      expect(putter.terminated).toBe(false)
      expect(yield* (yield* spawn(q.get())).join()).toBe(2)
      yield* putter.join()
      expect(q.getNowait()).toBe(3)
    })
  })
})

// A UniversalQueue's waits hold the virtual clock (they are external), so timeouts are shown
// on the other kinds.
describe.each(kinds.filter(([name]) => name !== 'UniversalQueue'))(
  'a bounded %s under a timeout',
  (_name, make) => {
    it('timed out while waiting on a full queue, leaves nothing, after exactly its timeout', async () => {
      await vrun(function* () {
        const q = make(1)
        q.putNowait(1)
        const start = yield* clock()
        expect(yield* catching(timeoutAfter(5, q.put(2)))).toBeInstanceOf(TaskTimeout)
        expect((yield* clock()) - start).toBe(5)
        expect(q.getNowait()).toBe(1)
        expect(q.size).toBe(0)
        q.putNowait(3) // its slot was not kept for it
        expect(q.getNowait()).toBe(3)
      })
    })

    it('waiting under a timeout, finishes when a slot frees in time and keeps its place in line', async () => {
      await vrun(function* () {
        const q = make(1)
        q.putNowait(1)
        const putter = yield* spawn(timeoutAfter(50, q.put(2)))
        yield* sleep(10)
        expect(q.getNowait()).toBe(1)
        yield* putter.join()
        expect(q.getNowait()).toBe(2)
        yield* sleep(100) // the timeout left with the put: nothing fires later
        expect(putter.exception).toBeUndefined()
      })
    })

    it('timed out while waiting, takes nothing and holds no slot; the item goes to the next getter', async () => {
      await vrun(function* () {
        const q = make(1)
        const timedOut = yield* spawn(timeoutAfter(5, q.get()))
        const next = yield* spawn(q.get())
        yield* sleep(10)
        expect(timedOut.exception).toBeInstanceOf(TaskTimeout)
        q.putNowait(1)
        expect(yield* next.join()).toBe(1)
        q.putNowait(2) // the handed item's slot is free again, and only it
        expect(() => q.putNowait(3)).toThrow(QueueFull)
      })
    })
  },
)

describe('a bounded UniversalQueue: promise and task waiters share one line', () => {
  it('task and promise putters on a full queue take freed slots in the order they came', async () => {
    await vrun(function* () {
      const q = new UniversalQueue<string>(1)
      q.putNowait('a')
      const task = yield* spawn(q.put('task'))
      yield* settle()
      const promised = q.putAsync('promise')
      const late = yield* spawn(q.put('late'))
      yield* settle()
      const got: string[] = []
      for (let i = 0; i < 4; i++) got.push(yield* q.get())
      yield* task.join()
      yield* awaitPromise(promised)
      yield* late.join()
      expect(got).toEqual(['a', 'task', 'promise', 'late'])
    })
  })

  it('a task getter and a promise getter share one line, and each handed item holds its slot until taken', async () => {
    await vrun(function* () {
      const q = new UniversalQueue<string>(2)
      const task = yield* spawn(q.get())
      yield* settle()
      const promised = q.getAsync()
      yield* q.put('first')
      yield* q.put('second')
      expect(q.full()).toBe(true) // both items are on their way
      expect(yield* task.join()).toBe('first')
      expect(yield* awaitPromise(promised)).toBe('second')
      expect(q.full()).toBe(false)
      q.putNowait('x')
      q.putNowait('y')
      expect(q.full()).toBe(true)
    })
  })
})
