// Curio's tests/test_queue.py, translated: one test per Curio test, in Curio's order.
// Curio's threads are promise code here (`putNowait`, `getAsync`, `joinAsync`), and its
// other kernels in threads are other `Kernel`s in this process.
import {
  awaitPromise,
  CancelledError,
  Kernel,
  LifoQueue,
  type Operation,
  PriorityQueue,
  Queue,
  run,
  sleep,
  spawn,
  TaskTimeout,
  timeoutAfter,
  UniversalQueue,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { vrun } from './support.js'

type Log = unknown[]

function* consumer(results: Log, queue: Queue<number | null>, label: string, pause = 0): Operation<void> {
  for (;;) {
    const item = yield* queue.get()
    if (item === null) break
    results.push([label, item])
    if (pause > 0) yield* sleep(pause)
    queue.taskDone()
  }
  queue.taskDone()
  results.push(`${label} done`)
}

describe('test_queue.py', () => {
  it('test_queue.py::test_queue_simple', async () => {
    const results: Log = []
    await vrun(function* producer() {
      const queue = new Queue<number | null>()
      results.push('producer_start')
      yield* spawn(consumer(results, queue, 'cons1'))
      yield* spawn(consumer(results, queue, 'cons2'))
      yield* sleep(100)
      for (let n = 0; n < 4; n++) {
        yield* queue.put(n)
        yield* sleep(100)
      }
      for (let n = 0; n < 2; n++) yield* queue.put(null)
      results.push('producer_join')
      yield* queue.join()
      results.push('producer_done')
    })
    expect(results).toEqual([
      'producer_start',
      ['cons1', 0],
      ['cons2', 1],
      ['cons1', 2],
      ['cons2', 3],
      'producer_join',
      'cons1 done',
      'cons2 done',
      'producer_done',
    ])
  })

  it('test_queue.py::test_queue_unbounded', async () => {
    const results: Log = []
    await vrun(function* producer() {
      const queue = new Queue<number | null>()
      results.push('producer_start')
      yield* spawn(consumer(results, queue, 'cons1'))
      yield* sleep(100)
      for (let n = 0; n < 4; n++) yield* queue.put(n)
      yield* queue.put(null)
      results.push('producer_join')
      yield* queue.join()
      results.push('producer_done')
    })
    expect(results).toEqual([
      'producer_start',
      'producer_join',
      ['cons1', 0],
      ['cons1', 1],
      ['cons1', 2],
      ['cons1', 3],
      'cons1 done',
      'producer_done',
    ])
  })

  it('test_queue.py::test_queue_bounded', async () => {
    const results: Log = []
    await vrun(function* producer() {
      const queue = new Queue<number | null>(2)
      results.push('producer_start')
      yield* spawn(consumer(results, queue, 'cons1', 100))
      yield* sleep(100)
      for (let n = 0; n < 4; n++) {
        yield* queue.put(n)
        results.push(['produced', n])
      }
      yield* queue.put(null)
      results.push('producer_join')
      yield* queue.join()
      results.push('producer_done')
    })
    expect(results).toEqual([
      'producer_start',
      ['produced', 0],
      ['produced', 1],
      ['cons1', 0],
      ['produced', 2],
      ['cons1', 1],
      ['produced', 3],
      ['cons1', 2],
      'producer_join',
      ['cons1', 3],
      'cons1 done',
      'producer_done',
    ])
  })

  it('test_queue.py::test_queue_get_cancel', async () => {
    const results: Log = []
    await vrun(function* driver() {
      const task = yield* spawn(function* () {
        const queue = new Queue()
        try {
          results.push('consumer waiting')
          yield* queue.get()
          results.push('not here')
        } catch (e) {
          if (e instanceof CancelledError) results.push('consumer cancelled')
        }
      })
      yield* sleep(500)
      yield* task.cancel()
    })
    expect(results).toEqual(['consumer waiting', 'consumer cancelled'])
  })

  it('test_queue.py::test_queue_put_cancel', async () => {
    const results: Log = []
    await vrun(function* driver() {
      const task = yield* spawn(function* producer() {
        const queue = new Queue<number>(1)
        results.push('producer_start')
        yield* queue.put(0)
        try {
          yield* queue.put(1)
          results.push('not here')
        } catch (e) {
          if (e instanceof CancelledError) results.push('producer_cancel')
        }
      })
      yield* sleep(500)
      yield* task.cancel()
    })
    expect(results).toEqual(['producer_start', 'producer_cancel'])
  })

  it('test_queue.py::test_queue_get_timeout', async () => {
    const results: Log = []
    await vrun(function* () {
      const queue = new Queue()
      try {
        results.push('consumer waiting')
        yield* timeoutAfter(500, queue.get())
        results.push('not here')
      } catch (e) {
        if (e instanceof TaskTimeout) results.push('consumer timeout')
      }
    })
    expect(results).toEqual(['consumer waiting', 'consumer timeout'])
  })

  it('test_queue.py::test_queue_put_timeout', async () => {
    const results: Log = []
    await vrun(function* () {
      const queue = new Queue<number>(1)
      results.push('producer start')
      yield* queue.put(0)
      try {
        yield* timeoutAfter(500, queue.put(1))
        results.push('not here')
      } catch (e) {
        if (e instanceof TaskTimeout) results.push('producer timeout')
      }
    })
    expect(results).toEqual(['producer start', 'producer timeout'])
  })

  it('test_queue.py::test_queue_sync', async () => {
    // Curio's synchronous queue.put from plain code is putNowait here.
    const results: Log = []
    await vrun(function* producer() {
      const queue = new Queue<number | null>()
      const produceItem = (item: number | null) => queue.putNowait(item)
      results.push('producer_start')
      yield* spawn(consumer(results, queue, 'cons1'))
      yield* spawn(consumer(results, queue, 'cons2'))
      yield* sleep(100)
      for (let n = 0; n < 4; n++) {
        produceItem(n)
        yield* sleep(100)
      }
      for (let n = 0; n < 2; n++) produceItem(null)
      results.push('producer_join')
      yield* queue.join()
      results.push('producer_done')
    })
    expect(results).toEqual([
      'producer_start',
      ['cons1', 0],
      ['cons2', 1],
      ['cons1', 2],
      ['cons2', 3],
      'producer_join',
      'cons1 done',
      'cons2 done',
      'producer_done',
    ])
  })

  it('test_queue.py::test_priority_queue', async () => {
    const results: number[] = []
    const priorities = [4, 2, 1, 3]
    await vrun(function* producer() {
      const queue = new PriorityQueue<[number, number | null]>(0, (a, b) => a[0] - b[0])
      for (const n of priorities) yield* queue.put([n, n])
      yield* queue.put([10, null])
      yield* spawn(function* () {
        for (;;) {
          const [, item] = yield* queue.get()
          if (item === null) break
          results.push(item)
          queue.taskDone()
          yield* sleep(200)
        }
        queue.taskDone()
      })
      yield* queue.join()
    })
    expect(results).toEqual([...priorities].sort())
  })

  it('test_queue.py::test_lifo_queue', async () => {
    const results: number[] = []
    await vrun(function* producer() {
      const queue = new LifoQueue<number | null>()
      yield* queue.put(null)
      for (let n = 0; n < 4; n++) yield* queue.put(n)
      yield* spawn(function* () {
        for (;;) {
          const item = yield* queue.get()
          if (item === null) break
          results.push(item)
          queue.taskDone()
          yield* sleep(200)
        }
        queue.taskDone()
      })
      yield* queue.join()
    })
    expect(results).toEqual([3, 2, 1, 0])
  })

  // UniversalQueue waits are external (the outside world ends them), so these run on the real clock.
  function* uconsumer(q: UniversalQueue<number | null>, result: number[]): Operation<void> {
    for (;;) {
      const item = yield* q.get()
      if (item === null) break
      result.push(item)
      q.taskDone()
    }
  }

  it('test_queue.py::test_univ_queue_sync_async', async () => {
    const result: number[] = []
    const q = new UniversalQueue<number | null>()
    // The producer: promise code, pausing between items, then waiting for them to be done.
    const producer = (async () => {
      for (let i = 0; i < 10; i++) {
        q.putNowait(i)
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
      await q.joinAsync()
    })()
    await run(function* () {
      const t1 = yield* spawn(uconsumer(q, result))
      yield* awaitPromise(producer)
      yield* q.put(null)
      yield* t1.join()
    })
    expect(result).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('test_queue.py::test_univ_queue_async_sync', async () => {
    const result: number[] = []
    const q = new UniversalQueue<number | null>()
    const consumerDone = (async () => {
      for (;;) {
        const item = await q.getAsync()
        if (item === null) break
        result.push(item)
        q.taskDone()
      }
    })()
    await run(function* () {
      const t2 = yield* spawn(function* () {
        for (let i = 0; i < 10; i++) {
          yield* q.put(i)
          yield* sleep(2)
        }
        yield* q.join()
      })
      yield* t2.join()
      yield* q.put(null)
      yield* awaitPromise(consumerDone)
    })
    expect(result).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('test_queue.py::test_univ_queue_cancel', async () => {
    // A getter that keeps timing out loses no item.
    const result: number[] = []
    const q = new UniversalQueue<number | null>(2)
    const producer = (async () => {
      for (let i = 0; i < 10; i++) {
        await q.putAsync(i)
        await new Promise((resolve) => setTimeout(resolve, 4))
      }
      await q.joinAsync()
    })()
    await run(function* () {
      const t1 = yield* spawn(function* () {
        for (;;) {
          let item: number | null
          try {
            item = yield* timeoutAfter(2, q.get())
          } catch (e) {
            if (e instanceof TaskTimeout) continue
            throw e
          }
          if (item === null) break
          result.push(item)
          q.taskDone()
        }
      })
      yield* awaitPromise(producer)
      yield* q.put(null)
      yield* t1.join()
    })
    expect(result).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('test_queue.py::test_univ_queue_multiple_consumer', async () => {
    const result: number[] = []
    const q = new UniversalQueue<number | null>(10)
    const producer = (async () => {
      for (let i = 0; i < 1000; i++) await q.putAsync(i)
      await q.joinAsync()
    })()
    await run(function* () {
      const tasks = []
      for (let i = 0; i < 3; i++) tasks.push(yield* spawn(uconsumer(q, result)))
      yield* awaitPromise(producer)
      for (let i = 0; i < 3; i++) yield* q.put(null)
      for (const t of tasks) yield* t.join()
    })
    expect(new Set(result)).toEqual(new Set(Array.from({ length: 1000 }, (_, i) => i)))
    expect(result).toHaveLength(1000)
  })

  it('test_queue.py::test_univ_queue_multiple_kernels', async () => {
    const result: number[] = []
    const q = new UniversalQueue<number | null>(10)
    const kernels = [new Kernel(), new Kernel(), new Kernel()]
    const consumers = kernels.map((k) => k.run(() => uconsumer(q, result)))
    for (let i = 0; i < 1000; i++) await q.putAsync(i)
    await q.joinAsync()
    for (let i = 0; i < 3; i++) await q.putAsync(null)
    await Promise.all(consumers)
    await Promise.all(kernels.map((k) => k.close()))
    expect([...result].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
  })
})
