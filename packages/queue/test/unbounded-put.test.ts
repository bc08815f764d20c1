import { awaitPromise, clock, sleep, spawn, TaskCancelled, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { LifoQueue, PriorityQueue, Queue, QueueClosed, UniversalQueue } from '../src/index.js'
import { catching, settle, vrun } from './helpers.js'

// `put` on an unbounded queue never blocks and is its own small operation, not a kernel trap
// (internal/instant-put.ts): these pin down that it keeps every rule of an operation.

const kinds = [
  ['Queue', () => new Queue<number>()],
  ['LifoQueue', () => new LifoQueue<number>()],
  ['PriorityQueue', () => new PriorityQueue<number>()],
  ['UniversalQueue', () => new UniversalQueue<number>()],
] as const

describe.each(kinds)('an unbounded %s put', (name, make) => {
  it('puts its item when the task reaches the yield*, not when put() is called', async () => {
    await vrun(function* () {
      const q = make()
      const put = q.put(1)
      expect(q.size).toBe(0)
      yield* put
      expect(q.size).toBe(1)
      expect(q.getNowait()).toBe(1)
    })
  })

  it('throws QueueClosed at the yield* when the queue closed in between', async () => {
    await vrun(function* () {
      const q = make()
      const put = q.put(1)
      q.close()
      const late = q.put(2) // calling put on a closed queue does nothing yet
      expect(yield* catching(put)).toBeInstanceOf(QueueClosed)
      expect(yield* catching(late)).toBeInstanceOf(QueueClosed)
      expect(q.size).toBe(0)
    })
  })

  it('runs once: running it again is a TypeError that names it, and puts nothing more', async () => {
    await vrun(function* () {
      const q = make()
      const put = q.put(1)
      yield* put
      const again = yield* catching(put)
      expect(again).toBeInstanceOf(TypeError)
      expect(String(again)).toContain(`operation ${name}.put was already used`)
      expect(q.size).toBe(1)
    })
  })

  it('runs once even when it threw: running a put that threw QueueClosed again is a TypeError', async () => {
    await vrun(function* () {
      const q = make()
      const put = q.put(1)
      q.close()
      expect(yield* catching(put)).toBeInstanceOf(QueueClosed)
      expect(yield* catching(put)).toBeInstanceOf(TypeError)
    })
  })

  it('yielded without the star, puts nothing and is reported as the mistake it is', async () => {
    await vrun(function* () {
      const q = make()
      const e = yield* catching(
        (function* () {
          yield q.put(1) as never
        })(),
      )
      expect(e).toBeInstanceOf(TypeError)
      expect(String(e)).toContain('without the star')
      expect(q.size).toBe(0)
    })
  })

  it('hands its item straight to a waiting getter', async () => {
    await vrun(function* () {
      const q = make()
      const getter = yield* spawn(q.get())
      yield* settle()
      yield* q.put(7)
      expect(q.size).toBe(0)
      expect(yield* getter.join()).toBe(7)
    })
  })

  it('is no cancellation point: a task cancelled before it runs still puts, and is cancelled at its next blocking call', async () => {
    const reached: string[] = []
    await vrun(function* () {
      const q = make()
      const putter = yield* spawn(function* () {
        yield* q.put(1)
        yield* q.put(2)
        reached.push('puts done')
        yield* sleep(1)
        reached.push('not reached')
      })
      yield* putter.cancel({ blocking: false }) // pending: the task has not run yet
      yield* putter.wait()
      expect(putter.exception).toBeInstanceOf(TaskCancelled)
      expect(q.size).toBe(2)
    })
    expect(reached).toEqual(['puts done'])
  })

  it('finishes at once under a timeout: no time passes and it keeps its place in line', async () => {
    await vrun(function* () {
      const q = make()
      const start = yield* clock()
      yield* timeoutAfter(5, q.put(1))
      expect(yield* clock()).toBe(start)
      expect(q.getNowait()).toBe(1)
    })
  })
})

describe('unbounded puts around cancelled getters', () => {
  it('items put with yield* go to the getters still waiting, in order; the rest stay queued', async () => {
    await vrun(function* () {
      const q = new Queue<string>()
      const cancelled = yield* spawn(q.get())
      const first = yield* spawn(q.get())
      const timedOut = yield* spawn(timeoutAfter(5, q.get()))
      const second = yield* spawn(q.get())
      yield* settle()
      yield* cancelled.cancel({ blocking: false }) // left the line, its code has not run yet
      yield* sleep(10)
      expect(timedOut.exception).toBeDefined()
      for (const item of ['a', 'b', 'c']) yield* q.put(item)
      expect(yield* first.join()).toBe('a')
      expect(yield* second.join()).toBe('b')
      expect(cancelled.exception).toBeInstanceOf(TaskCancelled)
      expect(q.getNowait()).toBe('c')
    })
  })

  it('a promise getter and task getters of a UniversalQueue share one line with task putters', async () => {
    await vrun(function* () {
      const q = new UniversalQueue<number>()
      const task = yield* spawn(q.get())
      yield* settle()
      const promised = q.getAsync()
      yield* q.put(1)
      yield* q.put(2)
      expect(yield* task.join()).toBe(1)
      expect(yield* awaitPromise(promised)).toBe(2)
    })
  })
})
