// Curio's tests/test_sync.py, translated: one test per Curio test, in Curio's order.
// `async with lock:` is `lock.withLock(function* () { ... })`; `async with sema:` is
// `sema.withAcquire(...)`; Curio's threads and asyncio peers are promise code here.
import {
  CancelledError,
  Condition,
  Event,
  Kernel,
  Lock,
  type Operation,
  RLock,
  run,
  Semaphore,
  sleep,
  spawn,
  TaskTimeout,
  timeoutAfter,
  UniversalEvent,
  UniversalResult,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { raises, vrun } from './support.js'

type Log = unknown[]

function* joinAll(...ops: Operation<unknown>[]): Operation<void> {
  const tasks = []
  for (const op of ops) tasks.push(yield* spawn(op))
  for (const t of tasks) yield* t.join()
}

describe('test_sync.py::TestEvent', () => {
  function* eventWaiter(results: Log, evt: Event | UniversalEvent): Operation<void> {
    results.push('wait_start')
    results.push(evt.isSet())
    yield* evt.wait()
    results.push('wait_done')
    results.push(evt.isSet())
    evt.clear()
    results.push(evt.isSet())
  }
  function* eventSetter(results: Log, evt: Event | UniversalEvent, ms: number): Operation<void> {
    results.push('sleep')
    yield* sleep(ms)
    results.push('event_set')
    evt.set()
  }
  const getWait = ['wait_start', false, 'sleep', 'event_set', 'wait_done', true, false]

  it('test_sync.py::TestEvent::test_event_get_wait', async () => {
    const results: Log = []
    const evt = new Event()
    await vrun(() => joinAll(eventWaiter(results, evt), eventSetter(results, evt, 1000)))
    expect(results).toEqual(getWait)
  })

  it('test_sync.py::TestEvent::test_event_get_immediate', async () => {
    const results: Log = []
    const evt = new Event()
    await vrun(() =>
      joinAll(
        (function* () {
          results.push('sleep')
          yield* sleep(1000)
          results.push('wait_start')
          yield* evt.wait()
          results.push('wait_done')
        })(),
        (function* () {
          results.push('event_set')
          evt.set()
        })(),
      ),
    )
    expect(results).toEqual(['sleep', 'event_set', 'wait_start', 'wait_done'])
  })

  it('test_sync.py::TestEvent::test_event_wait_cancel', async () => {
    const results: Log = []
    await vrun(function* () {
      const evt = new Event()
      const task = yield* spawn(function* () {
        results.push('event_wait')
        try {
          yield* evt.wait()
        } catch (e) {
          if (e instanceof CancelledError) results.push('event_cancel')
        }
      })
      results.push('sleep')
      yield* sleep(1000)
      results.push('cancel_start')
      yield* task.cancel()
      results.push('cancel_done')
    })
    expect(results).toEqual(['sleep', 'event_wait', 'cancel_start', 'event_cancel', 'cancel_done'])
  })

  it('test_sync.py::TestEvent::test_event_wait_timeout', async () => {
    const results: Log = []
    await vrun(function* () {
      const evt = new Event()
      const task = yield* spawn(function* () {
        results.push('event_wait')
        try {
          yield* timeoutAfter(500, evt.wait())
        } catch (e) {
          if (e instanceof TaskTimeout) results.push('event_timeout')
        }
      })
      results.push('sleep')
      yield* sleep(1000)
      results.push('sleep_done')
      yield* task.join()
    })
    expect(results).toEqual(['sleep', 'event_wait', 'event_timeout', 'sleep_done'])
  })

  it('test_sync.py::TestEvent::test_event_wait_notimeout', async () => {
    const results: Log = []
    await vrun(function* () {
      const evt = new Event()
      const task = yield* spawn(function* () {
        results.push('event_wait')
        try {
          yield* timeoutAfter(1000, evt.wait())
          results.push('got event')
        } catch (e) {
          if (e instanceof TaskTimeout) results.push('event_timeout')
        }
        evt.clear()
        try {
          yield* evt.wait()
          results.push('got event')
        } catch (e) {
          if (e instanceof TaskTimeout) results.push('bad timeout')
        }
      })
      results.push('sleep')
      yield* sleep(250)
      results.push('event_set')
      evt.set()
      yield* sleep(1000)
      results.push('event_set')
      evt.set()
      yield* task.join()
    })
    expect(results).toEqual(['sleep', 'event_wait', 'event_set', 'got event', 'event_set', 'got event'])
  })
})

describe('test_sync.py::TestLock', () => {
  function* worker(results: Log, lck: Lock | Semaphore, label: string): Operation<void> {
    results.push(`${label} wait`)
    results.push(lck.locked())
    const body = function* () {
      results.push(`${label} acquire`)
      yield* sleep(250)
    }
    yield* lck instanceof Lock ? lck.withLock(body) : lck.withAcquire(body)
    results.push(`${label} release`)
  }
  const sequence = [
    'work1 wait',
    false,
    'work1 acquire',
    'work2 wait',
    true,
    'work3 wait',
    true,
    'work1 release',
    'work2 acquire',
    'work2 release',
    'work3 acquire',
    'work3 release',
  ]

  it('test_sync.py::TestLock::test_lock_sequence', async () => {
    const results: Log = []
    const lck = new Lock()
    await vrun(() =>
      joinAll(worker(results, lck, 'work1'), worker(results, lck, 'work2'), worker(results, lck, 'work3')),
    )
    expect(results).toEqual(sequence)
  })

  function* acquireCancel(results: Log, lck: Lock | Semaphore): Operation<void> {
    const hold = function* () {
      const task = yield* spawn(function* () {
        results.push('lock_wait')
        try {
          yield* lck instanceof Lock
            ? lck.withLock(function* () {
                results.push('never here')
              })
            : lck.withAcquire(function* () {
                results.push('never here')
              })
        } catch (e) {
          if (e instanceof CancelledError) results.push('lock_cancel')
        }
      })
      results.push('sleep')
      yield* sleep(1000)
      results.push('cancel_start')
      yield* task.cancel()
      results.push('cancel_done')
    }
    yield* lck instanceof Lock ? lck.withLock(hold) : lck.withAcquire(hold)
  }

  function* acquireTimeout(results: Log, lck: Lock | Semaphore): Operation<void> {
    const hold = function* () {
      const w = yield* spawn(function* () {
        results.push('lock_wait')
        try {
          yield* timeoutAfter(500, lck.acquire())
          results.push('never here')
          lck.release()
        } catch (e) {
          if (e instanceof TaskTimeout) results.push('lock_timeout')
        }
      })
      results.push('sleep')
      yield* sleep(1000)
      results.push('sleep_done')
      yield* w.join()
    }
    yield* lck instanceof Lock ? lck.withLock(hold) : lck.withAcquire(hold)
  }

  it('test_sync.py::TestLock::test_lock_acquire_cancel', async () => {
    const results: Log = []
    const lck = new Lock()
    await vrun(() => acquireCancel(results, lck))
    expect(results).toEqual(['sleep', 'lock_wait', 'cancel_start', 'lock_cancel', 'cancel_done'])
    expect(lck.locked()).toBe(false)
  })

  it('test_sync.py::TestLock::test_lock_acquire_timeout', async () => {
    const results: Log = []
    const lck = new Lock()
    await vrun(() => acquireTimeout(results, lck))
    expect(results).toEqual(['sleep', 'lock_wait', 'lock_timeout', 'sleep_done'])
    expect(lck.locked()).toBe(false)
  })

  describe('test_sync.py::TestSemaphore', () => {
    it('test_sync.py::TestSemaphore::test_sema_sequence', async () => {
      const results: Log = []
      const sema = new Semaphore()
      await vrun(() =>
        joinAll(
          worker(results, sema, 'work1'),
          worker(results, sema, 'work2'),
          worker(results, sema, 'work3'),
        ),
      )
      expect(results).toEqual(sequence)
      expect(sema.value).toBe(1)
    })

    it('test_sync.py::TestSemaphore::test_sema_sequence2', async () => {
      const results: Log = []
      const sema = new Semaphore(2)
      function* w(label: string, ms: number): Operation<void> {
        results.push(`${label} wait`)
        results.push(sema.locked())
        yield* sema.withAcquire(function* () {
          results.push(`${label} acquire`)
          yield* sleep(ms)
        })
        results.push(`${label} release`)
      }
      await vrun(() => joinAll(w('work1', 250), w('work2', 300), w('work3', 350)))
      expect(results).toEqual([
        'work1 wait',
        false,
        'work1 acquire',
        'work2 wait',
        false,
        'work2 acquire',
        'work3 wait',
        true,
        'work1 release',
        'work3 acquire',
        'work2 release',
        'work3 release',
      ])
    })

    it('test_sync.py::TestSemaphore::test_sema_acquire_cancel', async () => {
      const results: Log = []
      const sema = new Semaphore()
      await vrun(() => acquireCancel(results, sema))
      expect(results).toEqual(['sleep', 'lock_wait', 'cancel_start', 'lock_cancel', 'cancel_done'])
      expect(sema.value).toBe(1)
    })

    it('test_sync.py::TestSemaphore::test_sema_acquire_timeout', async () => {
      const results: Log = []
      const sema = new Semaphore()
      await vrun(() => acquireTimeout(results, sema))
      expect(results).toEqual(['sleep', 'lock_wait', 'lock_timeout', 'sleep_done'])
      expect(sema.value).toBe(1)
    })
  })
})

describe('test_sync.py::TestRLock', () => {
  it('test_sync.py::TestRLock::test_rlock_reenter', async () => {
    const results: Log = []
    const lck = new RLock()
    function* inner(label: string): Operation<void> {
      results.push(lck.locked())
      yield* lck.withLock(function* () {
        results.push(`${label} inner acquired`)
        results.push(`${label} inner releasing`)
      })
    }
    function* worker(label: string): Operation<void> {
      results.push(lck.locked())
      results.push(`${label} wait`)
      yield* lck.withLock(function* () {
        results.push(`${label} acquired`)
        yield* sleep(250)
        yield* inner(label)
        results.push(`${label} releasing`)
      })
    }
    function* workerSimple(): Operation<void> {
      results.push('simple wait')
      yield* lck.withLock(function* () {
        results.push('simple acquired')
        results.push('simple releasing')
      })
    }
    await vrun(() => joinAll(worker('work1'), worker('work2'), workerSimple()))
    expect(results).toEqual([
      false,
      'work1 wait',
      'work1 acquired',
      true,
      'work2 wait',
      'simple wait',
      true,
      'work1 inner acquired',
      'work1 inner releasing',
      'work1 releasing',
      'work2 acquired',
      true,
      'work2 inner acquired',
      'work2 inner releasing',
      'work2 releasing',
      'simple acquired',
      'simple releasing',
    ])
  })

  it('test_sync.py::TestRLock::test_rlock_notowner', async () => {
    await vrun(function* () {
      const lck = new RLock()
      expect(() => lck.release()).toThrow(Error)
      yield* joinAll(
        (function* () {
          yield* lck.acquire()
          yield* sleep(250)
          lck.release()
        })(),
        (function* () {
          yield* sleep(100)
          expect(() => lck.release()).toThrow(Error)
        })(),
      )
    })
  })
})

describe('test_sync.py::TestCondition', () => {
  it('test_sync.py::TestCondition::test_cond_sequence', async () => {
    const results: Log = []
    const cond = new Condition(new Lock())
    const q: (number | null)[] = []
    function* consumer(label: string): Operation<void> {
      for (;;) {
        const item = yield* cond.withLock(function* () {
          if (q.length === 0) {
            results.push(`${label} wait`)
            yield* cond.wait()
          }
          return q.shift()
        })
        if (item === null) break
        results.push([label, item])
      }
      results.push(`${label} done`)
    }
    function* producer(count: number, nproducers: number): Operation<void> {
      for (let n = 0; n < count; n++) {
        yield* cond.withLock(function* () {
          q.push(n)
          results.push(['producing', n])
          cond.notify()
        })
        yield* sleep(100)
      }
      for (let n = 0; n < nproducers; n++) {
        yield* cond.withLock(function* () {
          q.push(null)
          results.push(['ending', n])
          cond.notify()
        })
        yield* sleep(100)
      }
    }
    await vrun(() => joinAll(consumer('cons1'), consumer('cons2'), producer(4, 2)))
    expect(results).toEqual([
      'cons1 wait',
      'cons2 wait',
      ['producing', 0],
      ['cons1', 0],
      'cons1 wait',
      ['producing', 1],
      ['cons2', 1],
      'cons2 wait',
      ['producing', 2],
      ['cons1', 2],
      'cons1 wait',
      ['producing', 3],
      ['cons2', 3],
      'cons2 wait',
      ['ending', 0],
      'cons1 done',
      ['ending', 1],
      'cons2 done',
    ])
  })

  it('test_sync.py::TestCondition::test_cond_wait_cancel', async () => {
    const results: Log = []
    await vrun(function* () {
      const cond = new Condition()
      const task = yield* spawn(function* () {
        try {
          yield* cond.withLock(function* () {
            results.push('cond_wait')
            yield* cond.wait()
            results.push('never here')
          })
        } catch (e) {
          if (e instanceof CancelledError) results.push('worker_cancel')
        }
      })
      results.push('sleep')
      yield* sleep(1000)
      results.push('cancel_start')
      yield* task.cancel()
      results.push('cancel_done')
      expect(cond.locked()).toBe(false)
    })
    expect(results).toEqual(['sleep', 'cond_wait', 'cancel_start', 'worker_cancel', 'cancel_done'])
  })

  it('test_sync.py::TestCondition::test_cond_wait_timeout', async () => {
    const results: Log = []
    await vrun(function* () {
      const cond = new Condition()
      const task = yield* spawn(function* () {
        try {
          yield* cond.withLock(function* () {
            results.push('cond_wait')
            yield* timeoutAfter(250, cond.wait())
            results.push('never here')
          })
        } catch (e) {
          if (e instanceof TaskTimeout) results.push('worker_timeout')
        }
      })
      results.push('sleep')
      yield* sleep(1000)
      results.push('done')
      yield* task.join()
    })
    expect(results).toEqual(['sleep', 'cond_wait', 'worker_timeout', 'done'])
  })

  it('test_sync.py::TestCondition::test_cond_notify_all', async () => {
    const results: Log = []
    await vrun(function* () {
      const cond = new Condition()
      const tasks = []
      for (let i = 0; i < 3; i++) {
        tasks.push(
          yield* spawn(() =>
            cond.withLock(function* () {
              results.push('cond_wait')
              yield* cond.wait()
              results.push('wait_done')
            }),
          ),
        )
      }
      results.push('sleep')
      yield* sleep(1000)
      yield* cond.withLock(function* () {
        results.push('notify')
        cond.notifyAll()
      })
      results.push('done')
      for (const t of tasks) yield* t.join()
    })
    expect(results).toEqual([
      'sleep',
      'cond_wait',
      'cond_wait',
      'cond_wait',
      'notify',
      'done',
      'wait_done',
      'wait_done',
      'wait_done',
    ])
  })

  it('test_sync.py::TestCondition::test_cond_waitfor', async () => {
    const results: Log = []
    const cond = new Condition()
    const q: number[] = []
    function* consumer(label: string): Operation<void> {
      yield* cond.withLock(function* () {
        results.push(`${label} waitfor`)
        yield* cond.waitFor(() => q.length > 2)
        results.push([label, q.length])
      })
      results.push(`${label} done`)
    }
    function* producer(count: number): Operation<void> {
      for (let n = 0; n < count; n++) {
        yield* cond.withLock(function* () {
          q.push(n)
          results.push(['producing', n])
          cond.notify()
        })
        yield* sleep(100)
      }
    }
    await vrun(() => joinAll(consumer('cons1'), consumer('cons2'), producer(4)))
    expect(results).toEqual([
      'cons1 waitfor',
      'cons2 waitfor',
      ['producing', 0],
      ['producing', 1],
      ['producing', 2],
      ['cons1', 3],
      'cons1 done',
      ['producing', 3],
      ['cons2', 4],
      'cons2 done',
    ])
  })

  it('test_sync.py::TestCondition::test_condition_error', async () => {
    await vrun(function* () {
      const c = new Condition()
      expect(() => c.notify()).toThrow(Error)
      expect(yield* raises(c.wait())).toBeInstanceOf(Error)
    })
  })
})

describe('test_sync.py::TestUniversalEvent', () => {
  const getWait = ['wait_start', false, 'sleep', 'event_set', 'wait_done', true, false]

  it('test_sync.py::TestUniversalEvent::test_uevent_get_wait', async () => {
    const results: Log = []
    const evt = new UniversalEvent()
    // A wait on a UniversalEvent is external: a virtual clock would hold still, so real time.
    await run(() =>
      joinAll(
        (function* () {
          results.push('wait_start')
          results.push(evt.isSet())
          yield* evt.wait()
          results.push('wait_done')
          results.push(evt.isSet())
          evt.clear()
          results.push(evt.isSet())
        })(),
        (function* () {
          results.push('sleep')
          yield* sleep(50)
          results.push('event_set')
          evt.set()
        })(),
      ),
    )
    expect(results).toEqual(getWait)
  })

  it('test_sync.py::TestUniversalEvent::test_uevent_get_twait', async () => {
    // Curio's waiter is a thread; ours is promise code outside the kernel.
    const results: Log = []
    const evt = new UniversalEvent()
    const waiter = (async () => {
      results.push('wait_start')
      results.push(evt.isSet())
      await evt.waitAsync()
      results.push('wait_done')
      results.push(evt.isSet())
      evt.clear()
      results.push(evt.isSet())
    })()
    await vrun(function* () {
      results.push('sleep')
      yield* sleep(100)
      results.push('event_set')
      evt.set()
    })
    await waiter
    expect(results).toEqual(['wait_start', false, 'sleep', 'event_set', 'wait_done', true, false])
  })

  it('test_sync.py::TestUniversalEvent::test_uevent_get_asyncio_set', async () => {
    // Curio's setter runs in asyncio on another thread; ours is a promise timer.
    const results: Log = []
    const evt = new UniversalEvent()
    await vrun(function* () {
      setTimeout(() => {
        results.push('event_set')
        evt.set()
      }, 20)
      results.push('wait_start')
      results.push(evt.isSet())
      yield* evt.wait() // an external wait: the virtual clock waits for the timer
      results.push('wait_done')
      results.push(evt.isSet())
      evt.clear()
      results.push(evt.isSet())
    })
    expect(results).toEqual(['wait_start', false, 'event_set', 'wait_done', true, false])
  })

  it('test_sync.py::TestUniversalEvent::test_uevent_get_asyncio_wait', async () => {
    // The waiter is promise code, the setter a task of another kernel.
    const results: Log = []
    const evt = new UniversalEvent()
    const waiting = evt.waitAsync().then(() => results.push('wait_done'))
    const other = new Kernel({ clock: 'virtual' })
    await other.run(function* () {
      yield* sleep(1000)
      results.push('event_set')
      evt.set()
    })
    await other.close()
    await waiting
    expect(results).toEqual(['event_set', 'wait_done'])
  })
})

describe('test_sync.py::TestUniversalResult', () => {
  it('test_sync.py::TestUniversalResult::test_universal_result', async () => {
    // Curio chains a thread, an asyncio loop and a kernel; here a timer, promise code and a task.
    const r1 = new UniversalResult<number>()
    const r2 = new UniversalResult<number>()
    const r3 = new UniversalResult<number>()
    setTimeout(() => r1.setValue(2 + 3), 20)
    void r1.unwrapAsync().then((v) => r2.setValue(v))
    await vrun(function* () {
      r3.setValue(yield* r2.unwrap())
    })
    expect(await r3.unwrapAsync()).toBe(5)
  })
})

describe('test_sync.py (module level)', () => {
  it('test_sync.py::test_repr', () => {
    for (const make of [
      () => new Lock(),
      () => new Event(),
      () => new Semaphore(),
      () => new Condition(),
      () => new RLock(),
      () => new UniversalEvent(),
      () => new UniversalResult(),
    ]) {
      expect(String(make())).toBeTypeOf('string')
    }
  })
})
