import { sleep, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { Queue, QueueClosed, QueueEmpty, QueueFull } from '../src/index.js'
import { catching, settle, vrun } from './helpers.js'

describe('Queue', () => {
  it('hands items out in FIFO order, to getters in FIFO order', async () => {
    const log: string[] = []
    await vrun(function* () {
      const q = new Queue<number>()
      for (const name of ['a', 'b', 'c']) {
        yield* spawn(function* () {
          log.push(`${name}:${yield* q.get()}`)
        })
      }
      yield* settle()
      for (const n of [1, 2, 3]) q.putNowait(n)
      yield* settle()
    })
    expect(log).toEqual(['a:1', 'b:2', 'c:3'])
  })

  it('put blocks while a bounded queue is full, and resumes when a slot frees', async () => {
    await vrun(function* () {
      const q = new Queue<number>(2)
      yield* q.put(1)
      yield* q.put(2)
      expect(q.full()).toBe(true)
      const putter = yield* spawn(q.put(3))
      yield* sleep(10)
      expect(putter.terminated).toBe(false)
      expect(yield* q.get()).toBe(1)
      yield* putter.join()
      expect([q.getNowait(), q.getNowait()]).toEqual([2, 3])
      expect(q.empty()).toBe(true)
    })
  })

  it('an item handed to a woken getter counts against maxsize until that getter resumes', async () => {
    // Curio's test_queue_bounded: a producer and a slow consumer of Queue(2) interleave.
    const log: string[] = []
    await vrun(function* () {
      const q = new Queue<number | null>(2)
      yield* spawn(function* consumer() {
        for (;;) {
          const item = yield* q.get()
          if (item === null) break
          log.push(`get ${item}`)
          yield* sleep(100)
          q.taskDone()
        }
        q.taskDone()
      })
      yield* sleep(100)
      for (let n = 0; n < 4; n++) {
        yield* q.put(n)
        log.push(`put ${n}`)
      }
      yield* q.put(null)
      yield* q.join()
    })
    expect(log).toEqual(['put 0', 'put 1', 'get 0', 'put 2', 'get 1', 'put 3', 'get 2', 'get 3'])
  })

  it('a handed item holds its slot: the queue is full until the getter resumes', async () => {
    await vrun(function* () {
      const q = new Queue<string>(1)
      const getter = yield* spawn(q.get())
      yield* settle()
      q.putNowait('a') // straight to the waiting getter
      expect(q.full()).toBe(true)
      expect(() => q.putNowait('b')).toThrow(QueueFull)
      expect(yield* getter.join()).toBe('a')
      expect(q.full()).toBe(false)
      q.putNowait('b')
      expect(q.getNowait()).toBe('b')
    })
  })

  it('no barging for getters: an item put while a getter waits is that getter’s', async () => {
    await vrun(function* () {
      const q = new Queue<string>()
      const getter = yield* spawn(q.get())
      yield* settle()
      q.putNowait('x')
      expect(() => q.getNowait()).toThrow(QueueEmpty) // the getter has not run yet, but it owns 'x'
      expect(yield* getter.join()).toBe('x')
    })
  })

  it('no barging for putters: a slot freed while a putter waits takes its item', async () => {
    await vrun(function* () {
      const q = new Queue<string>(1)
      q.putNowait('first')
      const putter = yield* spawn(q.put('waiting'))
      yield* settle()
      expect(q.getNowait()).toBe('first')
      expect(() => q.putNowait('newcomer')).toThrow(QueueFull)
      yield* putter.join()
      expect(q.getNowait()).toBe('waiting')
    })
  })

  it('a getter cancelled or timed out while waiting takes nothing: the item goes to the next getter', async () => {
    await vrun(function* () {
      const q = new Queue<string>()
      const cancelled = yield* spawn(q.get())
      const timedOut = yield* spawn(timeoutAfter(5, q.get()))
      const patient = yield* spawn(q.get())
      yield* settle()
      yield* cancelled.cancel()
      yield* sleep(10)
      expect(timedOut.exception).toBeInstanceOf(TaskTimeout)
      q.putNowait('item')
      expect(yield* patient.join()).toBe('item')
    })
  })

  it('a getter cancelled but not yet resumed takes nothing from a put made in that instant', async () => {
    await vrun(function* () {
      const q = new Queue<string>()
      const cancelled = yield* spawn(q.get())
      const next = yield* spawn(q.get())
      yield* settle()
      yield* cancelled.cancel({ blocking: false }) // torn down, but its code has not run yet
      q.putNowait('a')
      q.putNowait('b')
      expect(yield* next.join()).toBe('a')
      expect(q.getNowait()).toBe('b')
    })
  })

  it('with no getter left, an item put after a getter was cancelled stays queued', async () => {
    await vrun(function* () {
      const q = new Queue<string>()
      const getter = yield* spawn(q.get())
      yield* settle()
      yield* getter.cancel()
      q.putNowait('kept')
      expect(q.size).toBe(1)
      expect(yield* q.get()).toBe('kept')
    })
  })

  it('a getter woken then cancelled before it runs keeps its item', async () => {
    const got: string[] = []
    await vrun(function* () {
      const q = new Queue<string>()
      const getter = yield* spawn(function* () {
        got.push(yield* q.get())
        yield* sleep(1) // the cancellation is delivered here
        got.push('not reached')
      })
      yield* settle()
      q.putNowait('mine')
      yield* getter.cancel()
      expect(q.size).toBe(0)
    })
    expect(got).toEqual(['mine'])
  })

  it('a putter cancelled while blocked on a full queue leaves no phantom item', async () => {
    await vrun(function* () {
      const q = new Queue<string>(1)
      q.putNowait('a')
      const putter = yield* spawn(q.put('phantom'))
      const timedOut = yield* spawn(timeoutAfter(5, q.put('phantom too')))
      yield* settle()
      yield* putter.cancel()
      yield* sleep(10)
      expect(timedOut.exception).toBeInstanceOf(TaskTimeout)
      expect(q.getNowait()).toBe('a')
      expect(q.size).toBe(0)
      expect(() => q.getNowait()).toThrow(QueueEmpty)
      q.taskDone()
      yield* q.join() // the phantoms were never counted as unfinished
    })
  })

  it('a putter woken then cancelled before it runs has put its item', async () => {
    await vrun(function* () {
      const q = new Queue<string>(1)
      q.putNowait('a')
      const putter = yield* spawn(q.put('b'))
      yield* settle()
      expect(q.getNowait()).toBe('a')
      yield* putter.cancel()
      expect(putter.exception).toBeUndefined() // put returned; the task ended without blocking again
      expect(q.getNowait()).toBe('b')
    })
  })

  it('close wakes every blocked getter and putter with QueueClosed', async () => {
    await vrun(function* () {
      const empty = new Queue<number>()
      const getters = [yield* spawn(empty.get()), yield* spawn(empty.get())]
      const full = new Queue<number>(1)
      full.putNowait(0)
      const putters = [yield* spawn(full.put(1)), yield* spawn(full.put(2))]
      yield* settle()
      empty.close()
      full.close()
      for (const t of [...getters, ...putters]) {
        yield* t.wait()
        expect(t.exception).toBeInstanceOf(QueueClosed)
      }
      expect(full.size).toBe(1)
    })
  })

  it('a putter handed a slot just before close() still puts its item, and a get waits for it', async () => {
    await vrun(function* () {
      const q = new Queue<string>(1)
      q.putNowait('a')
      const putter = yield* spawn(q.put('b'))
      yield* settle()
      expect(q.getNowait()).toBe('a') // the freed slot is now the putter's
      q.close()
      expect(() => q.getNowait()).toThrow(QueueEmpty) // 'b' is on its way
      const getter = yield* spawn(q.get())
      yield* putter.join()
      expect(yield* getter.join()).toBe('b')
      expect(() => q.getNowait()).toThrow(QueueClosed)
    })
  })

  it('after close: put throws, get drains what is left then throws', async () => {
    await vrun(function* () {
      const q = new Queue<number>()
      q.putNowait(1)
      q.putNowait(2)
      q.close()
      expect(q.closed()).toBe(true)
      expect(yield* catching(q.put(3))).toBeInstanceOf(QueueClosed)
      expect(() => q.putNowait(3)).toThrow(QueueClosed)
      expect(yield* q.get()).toBe(1)
      expect(q.getNowait()).toBe(2)
      expect(yield* catching(q.get())).toBeInstanceOf(QueueClosed)
      expect(() => q.getNowait()).toThrow(QueueClosed)
      q.close() // harmless
    })
  })

  it('join waits until taskDone was called for every item; too many taskDone throws', async () => {
    const log: string[] = []
    await vrun(function* () {
      const q = new Queue<number>()
      yield* spawn(
        function* () {
          for (;;) {
            const n = yield* q.get()
            yield* sleep(n)
            log.push(`done ${n}`)
            q.taskDone()
          }
        },
        { daemon: true },
      )
      yield* q.join() // nothing put: returns at once
      for (const n of [3, 1, 2]) yield* q.put(n)
      yield* q.join()
      log.push('joined')
      expect(() => q.taskDone()).toThrow(/more times/)
    })
    expect(log).toEqual(['done 3', 'done 1', 'done 2', 'joined'])
  })

  it('putNowait on a full queue throws QueueFull; getNowait on an empty one QueueEmpty', () => {
    const q = new Queue<number>(1)
    expect(() => q.getNowait()).toThrow(QueueEmpty)
    q.putNowait(1)
    expect(() => q.putNowait(2)).toThrow(QueueFull)
    expect(new QueueFull()).toBeInstanceOf(Error)
    expect(new QueueFull().name).toBe('QueueFull')
  })

  it('rejects a bad maxsize', () => {
    expect(() => new Queue(-1)).toThrow(TypeError)
    expect(() => new Queue(2.5)).toThrow(TypeError)
    expect(() => new Queue('3' as never)).toThrow(TypeError)
  })
})
