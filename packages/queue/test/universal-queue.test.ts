import { EventEmitter } from 'node:events'
import { awaitPromise, clock, Kernel, run, sleep, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { QueueClosed, UniversalQueue } from '../src/index.js'
import { catching, settle, vrun } from './helpers.js'

describe('UniversalQueue', () => {
  it('putNowait from a timer wakes a task getter; the wait holds the virtual clock', async () => {
    await vrun(function* () {
      const q = new UniversalQueue<string>()
      yield* spawn(sleep(10_000), { daemon: true })
      setTimeout(() => q.putNowait('tick'), 5)
      expect(yield* q.get()).toBe('tick')
      expect(yield* clock()).toBeLessThan(10_000)
    })
  })

  it('putNowait from an event handler wakes a task getter', async () => {
    const emitter = new EventEmitter()
    const q = new UniversalQueue<string>()
    emitter.on('data', (chunk: string) => q.putNowait(chunk))
    const got = await vrun(function* () {
      setImmediate(() => emitter.emit('data', 'a'))
      setTimeout(() => emitter.emit('data', 'b'), 2)
      return [yield* q.get(), yield* q.get()]
    })
    expect(got).toEqual(['a', 'b'])
  })

  it('rejects a signal that is not an AbortSignal', async () => {
    const q = new UniversalQueue<string>()
    await expect(q.getAsync({ signal: 'stop' as never })).rejects.toBeInstanceOf(TypeError)
  })

  it('task getters and promise getters share one FIFO', async () => {
    const got: string[] = []
    await vrun(function* () {
      const q = new UniversalQueue<number>()
      const first = yield* spawn(q.get())
      yield* settle()
      const second = q.getAsync().then((n) => got.push(`promise:${n}`))
      const third = yield* spawn(q.get())
      yield* settle()
      for (const n of [1, 2, 3]) q.putNowait(n)
      got.push(`task:${yield* first.join()}`)
      yield* awaitPromise(second)
      got.push(`task:${yield* third.join()}`)
    })
    expect(got).toEqual(['task:1', 'promise:2', 'task:3'])
  })

  it('task putters and promise putters share one FIFO on a full queue', async () => {
    await vrun(function* () {
      const q = new UniversalQueue<string>(1)
      q.putNowait('0')
      const a = yield* spawn(q.put('a'))
      yield* settle()
      const b = q.putAsync('b')
      const c = yield* spawn(q.put('c'))
      yield* settle()
      const out: string[] = []
      for (let i = 0; i < 4; i++) out.push(yield* q.get())
      yield* a.join()
      yield* awaitPromise(b)
      yield* c.join()
      expect(out).toEqual(['0', 'a', 'b', 'c'])
    })
  })

  it('async producer, task consumer, and back: putAsync waits while full', async () => {
    const q = new UniversalQueue<number>(2)
    const producer = (async () => {
      for (let i = 0; i < 10; i++) await q.putAsync(i)
      q.close()
    })()
    const got = await run(function* () {
      const out: number[] = []
      for (;;) {
        try {
          out.push(yield* q.get())
        } catch (e) {
          if (e instanceof QueueClosed) return out
          throw e
        }
      }
    })
    await producer
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('getAsync resolves with an item a task puts; joinAsync waits for taskDone', async () => {
    const q = new UniversalQueue<string>()
    const consumer = (async () => {
      const item = await q.getAsync()
      q.taskDone()
      return item
    })()
    await run(function* () {
      yield* q.put('hello')
      yield* q.join()
    })
    expect(await consumer).toBe('hello')
    await q.joinAsync()
  })

  it('an aborted getAsync takes nothing: the item goes to the next getter', async () => {
    const q = new UniversalQueue<string>()
    const controller = new AbortController()
    const aborted = q.getAsync({ signal: controller.signal })
    const next = q.getAsync()
    controller.abort(new Error('gave up'))
    q.putNowait('item')
    await expect(aborted).rejects.toThrow('gave up')
    expect(await next).toBe('item')
  })

  it('an aborted putAsync leaves no item behind', async () => {
    const q = new UniversalQueue<string>(1)
    q.putNowait('a')
    const controller = new AbortController()
    const put = q.putAsync('phantom', { signal: controller.signal })
    controller.abort(new Error('gave up'))
    await expect(put).rejects.toThrow('gave up')
    expect(await q.getAsync()).toBe('a')
    expect(q.size).toBe(0)
  })

  it('close rejects promise getters and wakes task getters with QueueClosed', async () => {
    const q = new UniversalQueue<string>()
    const promise = q.getAsync()
    await run(function* () {
      const t = yield* spawn(q.get())
      yield* settle()
      q.close()
      yield* t.wait()
      expect(t.exception).toBeInstanceOf(QueueClosed)
    })
    await expect(promise).rejects.toBeInstanceOf(QueueClosed)
    await expect(q.putAsync('late')).rejects.toBeInstanceOf(QueueClosed)
    await expect(q.getAsync()).rejects.toBeInstanceOf(QueueClosed)
  })

  it('connects tasks of two kernels', async () => {
    const q = new UniversalQueue<number>()
    const consumer = new Kernel().run(function* () {
      let sum = 0
      for (let i = 0; i < 3; i++) sum += yield* q.get()
      return sum
    })
    await run(function* () {
      for (const n of [1, 2, 3]) {
        yield* q.put(n)
        yield* sleep(1)
      }
    })
    expect(await consumer).toBe(6)
  })

  it('a task getter can time out (real clock) and takes nothing', async () => {
    const q = new UniversalQueue<string>()
    await run(function* () {
      expect(yield* catching(timeoutAfter(5, q.get()))).toBeInstanceOf(TaskTimeout)
      q.putNowait('kept')
      expect(q.size).toBe(1)
    })
  })
})
