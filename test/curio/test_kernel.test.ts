// Curio's tests/test_kernel.py, translated: one test per Curio test, in Curio's order.
import {
  awaitPromise,
  CancelledError,
  checkCancellation,
  clock,
  disableCancellation,
  Event,
  ignoreAfter,
  ignoreAt,
  Kernel,
  KernelClosed,
  type Operation,
  openConnection,
  Queue,
  run,
  schedtrace,
  schedule,
  setCancellation,
  sleep,
  spawn,
  TaskError,
  TaskTimeout,
  TimeoutCancellationError,
  tcpServerSocket,
  timeoutAfter,
  timeoutAt,
  traptrace,
  UncaughtTimeoutError,
  WaitQueue,
  WriteResourceBusy,
  wakeAt,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { raises, socketpair, vrun } from './support.js'

describe('test_kernel.py', () => {
  it('test_kernel.py::test_hello', async () => {
    function* hello(): Operation<string> {
      return 'hello'
    }
    expect(await vrun(hello)).toBe('hello')
  })

  it('test_kernel.py::test_raise', async () => {
    class Boom extends Error {}
    function* boom(): Operation<never> {
      throw new Boom()
    }
    await expect(vrun(boom)).rejects.toBeInstanceOf(Boom)
  })

  it('test_kernel.py::test_sleep', async () => {
    // Real time: a sleep never returns early.
    let elapsed = 0
    await run(function* () {
      const start = performance.now()
      yield* sleep(50)
      elapsed = performance.now() - start
    })
    expect(elapsed).toBeGreaterThanOrEqual(49)
  })

  it('test_kernel.py::test_sleep_cancel', async () => {
    let cancelled = false
    await vrun(function* () {
      const task = yield* spawn(function* () {
        try {
          yield* sleep(1000)
          expect.unreachable()
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e
          cancelled = true
        }
      })
      yield* sleep(100)
      yield* task.cancel()
    })
    expect(cancelled).toBe(true)
  })

  it('test_kernel.py::test_sleep_timeout', async () => {
    let timedOut = false
    await vrun(function* () {
      const task = yield* spawn(function* () {
        try {
          yield* timeoutAfter(100, sleep(1000))
          expect.unreachable()
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e
          timedOut = true
        }
      })
      yield* task.join()
    })
    expect(timedOut).toBe(true)
  })

  it('test_kernel.py::test_sleep_ignore_timeout', async () => {
    await vrun(function* () {
      expect(yield* ignoreAfter(100, sleep(1000))).toBeUndefined()
      const s = yield* ignoreAfter(100, function* () {
        yield* sleep(1000)
        return 'finished'
      })
      expect(s).toBeUndefined()
    })
  })

  it('test_kernel.py::test_sleep_notimeout', async () => {
    await vrun(function* () {
      yield* timeoutAfter(500, sleep(100))
      // The expired block is gone: its deadline never fires later.
      yield* sleep(500)
      expect(yield* clock()).toBe(600)
    })
  })

  it('test_kernel.py::test_task_join', async () => {
    await vrun(function* () {
      const task = yield* spawn(function* () {
        return 37
      })
      expect(yield* task.join()).toBe(37)
    })
  })

  it('test_kernel.py::test_task_join_error', async () => {
    await vrun(function* () {
      const task = yield* spawn(function* () {
        throw new RangeError('invalid literal for int()')
      })
      const e = yield* raises(task.join())
      expect(e).toBeInstanceOf(TaskError)
      expect((e as TaskError).cause).toBeInstanceOf(RangeError)
    })
  })

  it('test_kernel.py::test_task_cancel', async () => {
    let cancelled = false
    await vrun(function* () {
      const task = yield* spawn(function* () {
        try {
          yield* sleep(500)
          expect.unreachable()
        } catch (e) {
          if (e instanceof CancelledError) cancelled = true
        }
      })
      yield* task.cancel()
      expect(cancelled).toBe(true)
    })
  })

  it('test_kernel.py::test_task_cancel_poll', async () => {
    const results: string[] = []
    await vrun(function* () {
      const task = yield* spawn(function* () {
        yield* disableCancellation(function* () {
          yield* sleep(100)
          results.push('success')
          if (yield* checkCancellation()) results.push('cancelled')
          else expect.unreachable()
        })
      })
      yield* task.cancel()
      results.push('done')
    })
    expect(results).toEqual(['success', 'cancelled', 'done'])
  })

  it('test_kernel.py::test_task_cancel_not_blocking', async () => {
    await vrun(function* () {
      const e1 = new Event()
      const e2 = new Event()
      const task = yield* spawn(function* () {
        e1.set()
        try {
          yield* sleep(1_000_000)
        } catch (e) {
          yield* e2.wait()
          throw e
        }
      })
      yield* e1.wait()
      expect(yield* task.cancel({ blocking: false })).toBe(true)
      expect(task.terminated).toBe(false)
      e2.set()
      const e = yield* raises(task.join())
      expect((e as TaskError).cause).toBeInstanceOf(CancelledError)
    })
  })

  it('test_kernel.py::test_task_cancel_join', async () => {
    await vrun(function* () {
      const evt = new Event()
      const task = yield* spawn(function* () {
        yield* evt.wait()
        expect.unreachable()
      })
      yield* schedule()
      yield* task.cancel()
      const e = yield* raises(task.join())
      expect(e).toBeInstanceOf(TaskError)
      expect((e as TaskError).cause).toBeInstanceOf(CancelledError)
    })
  })

  it('test_kernel.py::test_task_cancel_join_wait', async () => {
    await vrun(function* () {
      const evt = new Event()
      const task1 = yield* spawn(() => evt.wait())
      const task2 = yield* spawn(function* () {
        yield* task1.cancel()
      })
      yield* task2.join()
      expect(evt.isSet()).toBe(false)
      const e = yield* raises(task1.join())
      expect((e as TaskError).cause).toBeInstanceOf(CancelledError)
    })
  })

  it('test_kernel.py::test_task_child_cancel', async () => {
    const results: string[] = []
    function* child(): Operation<void> {
      results.push('start')
      try {
        yield* sleep(500)
        results.push('end')
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e
        results.push('child cancelled')
      }
    }
    function* parent(): Operation<void> {
      const childTask = yield* spawn(child)
      try {
        yield* sleep(500)
        results.push('end parent')
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e
        yield* childTask.cancel()
        results.push('parent cancelled')
      }
    }
    function* grandparent(): Operation<void> {
      const parentTask = yield* spawn(parent)
      try {
        yield* sleep(500)
        results.push('end grandparent')
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e
        yield* parentTask.cancel()
        results.push('grandparent cancelled')
      }
    }
    await vrun(function* () {
      const task = yield* spawn(grandparent)
      yield* sleep(100)
      results.push('cancel start')
      yield* sleep(100)
      results.push('cancelling')
      yield* task.cancel()
      results.push('done')
    })
    expect(results).toEqual([
      'start',
      'cancel start',
      'cancelling',
      'child cancelled',
      'parent cancelled',
      'grandparent cancelled',
      'done',
    ])
  })

  it('test_kernel.py::test_task_ready_cancel', async () => {
    // Curio blocks the whole process with time.sleep(1) so that two timers expire together and
    // the cancelled task is already on the ready queue. Real clock, same shape, shorter times.
    const results: string[] = []
    function* child(): Operation<void> {
      try {
        results.push('child sleep')
        yield* sleep(200)
        results.push('child slept')
        yield* sleep(200)
        results.push('should not see this')
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e
        results.push('child cancelled')
      }
    }
    await run(function* () {
      yield* spawn(function* parent() {
        const task = yield* spawn(child)
        results.push('parent sleep')
        yield* sleep(100)
        results.push('cancel start')
        yield* task.cancel()
        results.push('cancel done')
      })
      yield* sleep(20)
      const until = performance.now() + 300
      while (performance.now() < until) {
        // Hold the event loop, as Curio's time.sleep(1) holds its kernel.
      }
      yield* sleep(20)
    })
    expect(results).toEqual([
      'parent sleep',
      'child sleep',
      'cancel start',
      'child slept',
      'child cancelled',
      'cancel done',
    ])
  })

  it('test_kernel.py::test_double_cancel', async () => {
    const results: string[] = []
    await vrun(function* () {
      const task = yield* spawn(function* sleeper() {
        results.push('start')
        try {
          yield* sleep(1000)
          results.push('not here')
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e
          results.push('cancel request')
          yield* sleep(1000)
          results.push('cancelled')
        }
      })
      yield* sleep(500)
      try {
        yield* timeoutAfter(100, task.cancel())
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e
        results.push('retry')
        yield* task.cancel()
        results.push('done cancel')
      }
    })
    expect(results).toEqual(['start', 'cancel request', 'retry', 'cancelled', 'done cancel'])
  })

  function* coro(results: string[], name: string, ms: number): Operation<void> {
    results.push(`${name} start`)
    yield* sleep(ms)
    results.push(`${name} done`)
  }

  it('test_kernel.py::test_nested_timeout', async () => {
    const results: string[] = []
    function* child(): Operation<void> {
      try {
        yield* timeoutAfter(5000, coro(results, 'coro1', 1000))
        results.push('coro1 success')
      } catch (e) {
        if (e instanceof TimeoutCancellationError) results.push('coro1 timeout cancel')
        else if (e instanceof TaskTimeout) results.push('coro1 timeout')
        else throw e
      }
      yield* coro(results, 'coro2', 1000)
      results.push('coro2 success')
    }
    await vrun(function* parent() {
      try {
        yield* timeoutAfter(750, child())
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e
        results.push('parent timeout')
      }
    })
    expect(results).toEqual(['coro1 start', 'coro1 timeout cancel', 'coro2 start', 'parent timeout'])
  })

  it('test_kernel.py::test_nested_context_timeout', async () => {
    // Curio's `async with timeout_after(...)` blocks: function* bodies here.
    const results: string[] = []
    function* child(): Operation<void> {
      try {
        yield* timeoutAfter(5000, function* () {
          yield* coro(results, 'coro1', 1000)
        })
        results.push('coro1 success')
      } catch (e) {
        if (e instanceof TimeoutCancellationError) results.push('coro1 timeout cancel')
        else if (e instanceof TaskTimeout) results.push('coro1 timeout')
        else throw e
      }
      yield* coro(results, 'coro2', 1000)
      results.push('coro2 success')
    }
    await vrun(function* parent() {
      try {
        yield* timeoutAfter(750, function* () {
          yield* child()
        })
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e
        results.push('parent timeout')
      }
    })
    expect(results).toEqual(['coro1 start', 'coro1 timeout cancel', 'coro2 start', 'parent timeout'])
  })

  it('test_kernel.py::test_nested_context_timeout2', async () => {
    const seen: unknown[] = []
    function* coro1(): Operation<void> {
      try {
        yield* timeoutAfter(10_000, sleep(5000))
      } catch (e) {
        seen.push(e)
        throw e
      }
    }
    function* coro2(): Operation<void> {
      try {
        yield* timeoutAfter(15_000, coro1())
      } catch (e) {
        seen.push(e)
        throw e
      }
    }
    await vrun(function* () {
      const e = yield* raises(timeoutAfter(100, coro2()))
      expect(e).toBeInstanceOf(TaskTimeout)
      expect(e).not.toBeInstanceOf(TimeoutCancellationError)
    })
    expect(seen).toHaveLength(2)
    for (const e of seen) expect(e).toBeInstanceOf(TimeoutCancellationError)
  })

  it('test_kernel.py::test_nested_context_timeout3', async () => {
    // The same with operation sources (functions) instead of started operations.
    const seen: unknown[] = []
    function* coro1(): Operation<void> {
      try {
        yield* timeoutAfter(10_000, () => sleep(5000))
      } catch (e) {
        seen.push(e)
        throw e
      }
    }
    function* coro2(): Operation<void> {
      try {
        yield* timeoutAfter(15_000, coro1)
      } catch (e) {
        seen.push(e)
        throw e
      }
    }
    await vrun(function* () {
      expect(yield* raises(timeoutAfter(100, coro2))).toBeInstanceOf(TaskTimeout)
    })
    expect(seen.map((e) => e instanceof TimeoutCancellationError)).toEqual([true, true])
  })

  it('test_kernel.py::test_nested_timeout_uncaught', async () => {
    const results: string[] = []
    function* child(): Operation<void> {
      // This causes a TaskTimeout that nobody inside catches.
      yield* timeoutAfter(1000, coro(results, 'coro1', 5000))
    }
    await vrun(function* parent() {
      try {
        yield* timeoutAfter(10_000, child())
      } catch (e) {
        if (e instanceof UncaughtTimeoutError) results.push('uncaught timeout')
        else if (e instanceof TaskTimeout) results.push('parent timeout')
        else throw e
      }
    })
    // Curio's test expects an uncaught timeout: the inner block's own TaskTimeout escapes the
    // inner block as TaskTimeout (it expired), then reaches the outer block, which has not.
    expect(results[0]).toBe('coro1 start')
    expect(results).toEqual(['coro1 start', 'uncaught timeout'])
  })

  it('test_kernel.py::test_nested_context_timeout_uncaught', async () => {
    const results: string[] = []
    function* child(): Operation<void> {
      yield* timeoutAfter(1000, function* () {
        yield* coro(results, 'coro1', 5000)
      })
    }
    await vrun(function* parent() {
      try {
        yield* timeoutAfter(10_000, function* () {
          yield* child()
        })
      } catch (e) {
        if (e instanceof UncaughtTimeoutError) results.push('uncaught timeout')
        else if (e instanceof TaskTimeout) results.push('parent timeout')
        else throw e
      }
    })
    expect(results).toEqual(['coro1 start', 'uncaught timeout'])
  })

  it('test_kernel.py::test_nested_timeout_none', async () => {
    // Curio's timeout_after(None, ...) is "no deadline": Infinity here.
    const results: string[] = []
    function* child(): Operation<void> {
      yield* timeoutAfter(Number.POSITIVE_INFINITY, coro(results, 'coro1', 2000))
      results.push('coro1 success')
      yield* coro(results, 'coro2', 1000)
      results.push('coro2 success')
    }
    await vrun(function* parent() {
      try {
        yield* timeoutAfter(1000, child())
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e
        results.push('parent timeout')
      }
    })
    expect(results).toEqual(['coro1 start', 'parent timeout'])
  })

  it('test_kernel.py::test_task_run_error', async () => {
    // The main task's own exception, not a wrapper.
    await expect(
      vrun(function* () {
        throw new RangeError('bad')
      }),
    ).rejects.toBeInstanceOf(RangeError)
  })

  it('test_kernel.py::test_sleep_0_starvation', async () => {
    // A task spinning on sleep(0) starves neither I/O nor other tasks, and stays cancellable.
    await run(function* () {
      const loopTask = yield* spawn(function* loopForever() {
        for (;;) yield* sleep(0)
      })
      yield* sleep(0)
      const listener = tcpServerSocket('127.0.0.1', 0)
      const [host, port] = listener.getsockname() as [string, number]
      const sock2 = yield* openConnection(host, port)
      const [sock1] = yield* listener.accept()
      listener.close()
      const io1 = yield* spawn(function* () {
        yield* sock1.recv(1)
        yield* sock1.send(Buffer.from('x'))
        yield* sock1.recv(1)
      })
      const io2 = yield* spawn(function* () {
        yield* sock2.send(Buffer.from('x'))
        yield* sock2.recv(1)
        yield* sock2.send(Buffer.from('x'))
      })
      yield* io1.join()
      yield* io2.join()
      yield* loopTask.cancel()
      sock1.close()
      sock2.close()
    })
  })

  it('test_kernel.py::test_ping_pong_starvation', async () => {
    await vrun(function* () {
      function* pingpong(inq: Queue<string>, outq: Queue<string>): Operation<never> {
        for (;;) yield* outq.put(yield* inq.get())
      }
      const q1 = new Queue<string>()
      const q2 = new Queue<string>()
      yield* q1.put('something')
      const pp1 = yield* spawn(pingpong(q1, q2))
      const pp2 = yield* spawn(pingpong(q2, q1))
      const iws = yield* spawn(function* () {
        for (let i = 0; i < 10; i++) yield* sleep(0)
        return 'i survived!'
      })
      expect(yield* iws.join()).toBe('i survived!')
      yield* pp1.cancel()
      yield* pp2.cancel()
    })
  })

  it('test_kernel.py::test_task_cancel_timeout', async () => {
    const results: string[] = []
    function* coroCancel(): Operation<void> {
      try {
        yield* sleep(5000)
      } catch (e) {
        results.push('cancelled')
        yield* sleep(1000)
        results.push('done cancel')
        throw e
      }
    }
    await vrun(function* () {
      const task = yield* spawn(function* child() {
        results.push('child')
        try {
          yield* timeoutAfter(1000, coroCancel())
        } catch (e) {
          if (e instanceof TaskTimeout) results.push('timeout')
          else throw e
        }
      })
      yield* sleep(500)
      yield* task.cancel()
    })
    expect(results).toEqual(['child', 'cancelled', 'done cancel'])
  })

  it('test_kernel.py::test_reentrant_kernel', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    await kernel.run(function* () {
      const e = yield* awaitPromise(
        kernel
          .run(function* () {})
          .then(
            () => undefined,
            (error: unknown) => error,
          ),
      )
      expect(e).toBeInstanceOf(Error)
      expect(String(e)).toMatch(/already running/)
    })
    await kernel.close()
  })

  it('test_kernel.py::test_pending_cancellation', async () => {
    // A pending cancellation is delivered at whichever blocking trap comes next.
    await vrun(function* () {
      const q = new WaitQueue()
      yield* setCancellation(new CancelledError())
      expect(yield* raises(q.suspend('READ_WAIT'))).toBeInstanceOf(CancelledError)
      yield* setCancellation(new CancelledError())
      expect(yield* raises(awaitPromise(new Promise(() => {})))).toBeInstanceOf(CancelledError)
      yield* setCancellation(new CancelledError())
      expect(yield* raises(sleep(10))).toBeInstanceOf(CancelledError)
      // Leaving a timeout block is no blocking point: a pending timeout is not delivered there.
      yield* setCancellation(new TaskTimeout())
      expect(
        yield* timeoutAfter(1000, function* () {
          return 'left without raising'
        }),
      ).toBe('left without raising')
      yield* setCancellation(undefined)
    })
  })

  it('test_kernel.py::test_coro_partial', async () => {
    // Curio's spawn(func, *args) and functools.partial are closures here.
    function* func(x: number, y: number, z: number): Operation<boolean> {
      return x === 1 && y === 2 && z === 3
    }
    await vrun(function* () {
      expect(yield* func(1, 2, 3)).toBe(true)
      expect(yield* ignoreAfter(1000, func(1, 2, 3))).toBe(true)
      expect(yield* ignoreAfter(1000, () => func(1, 2, 3))).toBe(true)
      const bound = (z: number) => func(1, 2, z)
      expect(yield* ignoreAfter(1000, () => bound(3))).toBe(true)
      expect(yield* (yield* spawn(func(1, 2, 3))).join()).toBe(true)
      expect(yield* (yield* spawn(() => func(1, 2, 3))).join()).toBe(true)
      expect(yield* (yield* spawn(() => bound(3))).join()).toBe(true)
    })
  })

  it('test_kernel.py::test_custom_cancel', async () => {
    class CustomCancelled extends CancelledError {}
    await vrun(function* () {
      const evt = new Event()
      let caught: unknown
      const t = yield* spawn(function* () {
        try {
          yield* evt.wait()
        } catch (e) {
          caught = e
        }
      })
      yield* t.cancel({ exc: new CustomCancelled() })
      expect(caught).toBeInstanceOf(CustomCancelled)
    })
  })
  it('test_kernel.py::test_single_stepping', async () => {
    // Curio's kernel.run() with no task steps what is there; here a kernel kept alive with
    // `shutdown: false` runs its surviving tasks only while a later run is going on.
    let value = 0
    const kernel = new Kernel({ clock: 'virtual' })
    await kernel.run(
      function* () {
        yield* spawn(
          function* child() {
            yield* sleep(0)
            value = 1
            yield* sleep(100)
            value = 2
          },
          { daemon: true },
        )
      },
      { shutdown: false },
    )
    expect(value).toBe(0) // nothing stepped between runs
    await kernel.run(() => sleep(0), { shutdown: false })
    expect(value).toBe(1)
    await kernel.run(() => sleep(100), { shutdown: false })
    expect(value).toBe(2)
    await kernel.close()
  })

  it('test_kernel.py::test_io_registration', async () => {
    // Curio waits on raw file descriptors; the same corners at the socket level: with the send
    // buffer full, one writer waits, a second gets WriteResourceBusy, and a reader on the same
    // socket is unaffected.
    await run(function* () {
      const [s1, s2] = yield* socketpair()
      const writer1 = yield* spawn(() => s1.sendall(Buffer.alloc(64 * 1024 * 1024)))
      const reader1 = yield* spawn(() => s1.recv(100))
      yield* sleep(20)
      expect(writer1.terminated).toBe(false)
      expect(yield* raises(s1.sendall(Buffer.from('x')))).toBeInstanceOf(WriteResourceBusy)
      yield* writer1.cancel()
      yield* s2.sendall(Buffer.from('hello'))
      expect((yield* reader1.join()).toString()).toBe('hello')
      s1.close()
      s2.close()
    })
  })
  it('test_kernel.py::test_clock', async () => {
    await vrun(function* () {
      const start = yield* clock()
      yield* sleep(100)
      expect((yield* clock()) - start).toBeGreaterThanOrEqual(100)
    })
  })

  it('test_kernel.py::test_timeout_badness', async () => {
    // A block that overruns its deadline without ever blocking: nothing to cancel, and the
    // expired deadline does not fire later, outside the block.
    await run(function* () {
      yield* timeoutAfter(20, function* () {
        const until = performance.now() + 60
        while (performance.now() < until) {
          // Curio's time.sleep(0.2): no blocking call, so no cancellation point.
        }
      })
      yield* sleep(10)
    })
  })

  it('test_kernel.py::test_kernel_no_shutdown', async () => {
    const k = new Kernel()
    await k.close()
    await expect(k.run(function* () {})).rejects.toBeInstanceOf(KernelClosed)
  })

  it('test_kernel.py::test_kernel_badtrap', async () => {
    // Curio's bogus trap raises KeyError; a task that yields what is not an operation gets a
    // TypeError at that point.
    const k = new Kernel()
    await expect(
      k.run(function* () {
        yield { trap: 'bogus' } as never
      }),
    ).rejects.toBeInstanceOf(TypeError)
    await k.close()
  })

  it('test_kernel.py::test_kernel_multischedule', async () => {
    // Blocking the event loop lets a sleep and its enclosing deadline expire together; the
    // sleep wins (the block ended) and the stale deadline must not fire later.
    await run(function* () {
      const t = yield* spawn(function* sleeper() {
        yield* timeoutAfter(100, sleep(50))
        yield* sleep(20)
        return true
      })
      yield* sleep(20)
      const until = performance.now() + 200
      while (performance.now() < until) {
        // Curio's time.sleep(1) in main
      }
      expect(yield* t.join()).toBe(true)
    })
  })

  it('test_kernel.py::test_kernel_debug', async () => {
    const lines: string[] = []
    const log = (line: string) => lines.push(line)
    function* hello(): Operation<void> {
      yield* sleep(0)
    }
    for (const options of [
      { activations: [schedtrace({ log }), traptrace({ log })] },
      { debug: true },
      { activations: [schedtrace({ log })] },
    ]) {
      const k = new Kernel(options)
      await k.run(hello)
      await k.close()
    }
    expect(lines.length).toBeGreaterThan(0)
  })
})

// Tests of earlier versions of Curio's test_kernel.py, kept: they still pin real rules.
describe('test_kernel.py (earlier Curio versions)', () => {
  it('test_kernel.py::test_wakeat', async () => {
    await vrun(function* () {
      const start = yield* clock()
      const woke = yield* wakeAt(start + 500)
      expect(woke - start).toBeGreaterThanOrEqual(500)
    })
  })

  it('test_kernel.py::test_sleep_timeout_absolute', async () => {
    let timedOut = false
    await vrun(function* () {
      const task = yield* spawn(function* () {
        try {
          yield* timeoutAt((yield* clock()) + 100, sleep(1000))
          expect.unreachable()
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e
          timedOut = true
        }
      })
      yield* task.join()
    })
    expect(timedOut).toBe(true)
  })

  it('test_kernel.py::test_sleep_timeout_absolute_context', async () => {
    // Curio's `async with timeout_at(...)` block is a function* passed to timeoutAt here.
    let timedOut = false
    await vrun(function* () {
      try {
        const deadline = (yield* clock()) + 100
        yield* timeoutAt(deadline, function* () {
          yield* sleep(1000)
        })
        expect.unreachable()
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e
        timedOut = true
      }
    })
    expect(timedOut).toBe(true)
  })

  it('test_kernel.py::test_sleep_ignore_timeout_absolute', async () => {
    await vrun(function* () {
      expect(yield* ignoreAt((yield* clock()) + 100, sleep(1000))).toBeUndefined()
      const s = yield* ignoreAt((yield* clock()) + 100, function* () {
        yield* sleep(1000)
        return 'finished'
      })
      expect(s).toBeUndefined()
    })
  })
})
