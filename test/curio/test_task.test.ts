// Curio's tests/test_task.py, translated: one test per Curio test, in Curio's order.
import {
  CancelledError,
  checkCancellation,
  currentTask,
  disableCancellation,
  Event,
  Local,
  type Operation,
  run,
  setCancellation,
  sleep,
  spawn,
  type Task,
  TaskCancelled,
  type TaskError,
  TaskGroup,
  TaskTimeout,
  taskGroup,
  timeoutAfter,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { raises, vrun } from './support.js'

function* add(x: number, y: number): Operation<number> {
  return x + y
}

/** Curio's `child(x, y)` that fails with a TypeError when y is not a number. */
function* addChecked(x: number, y: unknown): Operation<number> {
  if (typeof y !== 'number') throw new TypeError(`unsupported operand: ${typeof y}`)
  return x + y
}

describe('test_task.py', () => {
  it('test_task.py::test_cancel_noblock', async () => {
    let cancelled = false
    let childExit = false
    await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* sleep(10_000)
        } finally {
          expect(cancelled).toBe(true)
          childExit = true
        }
      })
      yield* t.cancel({ blocking: false })
      cancelled = true
      yield* t.cancel()
    })
    expect(childExit).toBe(true)
  })

  it('test_task.py::test_cancel_custom_exception', async () => {
    // Curio cancels with any exception class; our contract takes a CancelledError (subclass).
    class MyException extends CancelledError {}
    let childExit = false
    await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* sleep(10_000)
        } catch (e) {
          if (e instanceof MyException) {
            childExit = true
            return
          }
        }
        childExit = false
      })
      yield* t.cancel({ exc: new MyException() })
    })
    expect(childExit).toBe(true)
  })

  it('test_task.py::test_cancel_custom_exception_instance', async () => {
    class MyException extends CancelledError {}
    const exc = new MyException('Test')
    let childExit = false
    await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* sleep(10_000)
        } catch (e) {
          childExit = e === exc
        }
      })
      yield* t.cancel({ exc })
    })
    expect(childExit).toBe(true)
  })

  it('test_task.py::test_task_group', async () => {
    await vrun(function* () {
      const g = new TaskGroup()
      const t1 = yield* g.spawn(add(1, 1))
      const t2 = yield* g.spawn(add(2, 2))
      const t3 = yield* g.spawn(add(3, 3))
      yield* g.join()
      expect([t1.result, t2.result, t3.result]).toEqual([2, 4, 6])
      expect(g.results).toEqual([2, 4, 6])
    })
  })

  it('test_task.py::test_task_group_daemon', async () => {
    await vrun(function* () {
      const g = new TaskGroup({ wait: 'all' })
      const t1 = yield* g.spawn(add(1, 1))
      yield* g.spawn(add(2, 2), { daemon: true })
      const t3 = yield* g.spawn(addChecked(3, '3'), { daemon: true })
      yield* g.spawn(sleep(500), { daemon: true })
      yield* g.join()
      expect(t1.result).toBe(2)
      expect(g.results).toEqual([2])
      expect(t3.exception).toBeInstanceOf(TypeError) // its crash ended nothing
    })
  })

  it('test_task.py::test_task_group_existing', async () => {
    await vrun(function* () {
      const evt = new Event()
      function* child2(x: number, y: number): Operation<number> {
        yield* evt.wait()
        return x + y
      }
      const t1 = yield* spawn(add(1, 1))
      const t2 = yield* spawn(child2(2, 2))
      const t3 = yield* spawn(child2(3, 3))
      const t4 = yield* spawn(add(4, 4))
      yield* t1.join()
      yield* t4.join()
      const g = new TaskGroup({}, [t1, t2, t3])
      evt.set()
      g.addTask(t4)
      yield* g.join()
      expect([t1.result, t2.result, t3.result, t4.result]).toEqual([2, 4, 6, 8])
      expect(g.results).toEqual([2, 4, 6, 8])
    })
  })

  it('test_task.py::test_task_any_cancel', async () => {
    await vrun(function* () {
      const evt = new Event()
      const g = new TaskGroup({ wait: 'any' })
      const t1 = yield* g.spawn(add(1, 1))
      const t2 = yield* g.spawn(() => evt.wait())
      const t3 = yield* g.spawn(() => evt.wait())
      yield* g.join()
      expect(t1.result).toBe(2)
      expect(g.completed).toBe(t1)
      expect(t2.cancelled && t3.cancelled).toBe(true)
    })
  })

  it('test_task.py::test_task_any_error', async () => {
    await vrun(function* () {
      const evt = new Event()
      const g = new TaskGroup({ wait: 'any' })
      const t1 = yield* g.spawn(addChecked(1, '1'))
      const t2 = yield* g.spawn(() => evt.wait())
      const t3 = yield* g.spawn(() => evt.wait())
      yield* g.join()
      expect(() => g.result).toThrow(TypeError)
      expect(g.exception).toBeInstanceOf(TypeError)
      expect(t1.exception).toBeTruthy()
      expect(t2.cancelled && t3.cancelled).toBe(true)
      expect(g.exceptions.every(Boolean)).toBe(true)
      expect(g.exceptions).toHaveLength(3)
    })
  })

  it('test_task.py::test_task_group_iter', async () => {
    // Curio's `async for task in g` is a loop over nextDone().
    await vrun(function* () {
      const results = new Set<unknown>()
      const g = new TaskGroup()
      yield* g.spawn(add(1, 1))
      yield* g.spawn(add(2, 2))
      yield* g.spawn(add(3, 3))
      for (let t = yield* g.nextDone(); t !== undefined; t = yield* g.nextDone()) results.add(t.result)
      yield* g.join()
      expect(results).toEqual(new Set([2, 4, 6]))
      expect(g.results).toEqual([]) // collected by hand: they left the group
    })
  })

  it('test_task.py::test_task_wait_none', async () => {
    await vrun(function* () {
      const evt = new Event()
      const g = new TaskGroup({ wait: 'none' })
      const t2 = yield* g.spawn(() => evt.wait())
      const t3 = yield* g.spawn(() => evt.wait())
      yield* g.join()
      expect(t2.cancelled && t3.cancelled).toBe(true)
    })
  })

  it('test_task.py::test_task_join_daemon', async () => {
    function* child(x: number, y: number): Operation<number> {
      yield* sleep(100)
      return x + y
    }
    await vrun(function* () {
      const g = new TaskGroup({ wait: 'all' })
      const t2 = yield* g.spawn(child(2, 2), { daemon: true })
      yield* g.spawn(child(3, 3))
      expect(yield* t2.join()).toBe(4)
      yield* g.join()
      expect(g.results).toEqual([6])
    })
  })

  it('test_task.py::test_task_group_error', async () => {
    await vrun(function* () {
      const evt = new Event()
      function* child(x: number, y: unknown): Operation<void> {
        yield* addChecked(x, y)
        yield* evt.wait()
      }
      const g = new TaskGroup()
      const t1 = yield* g.spawn(child(1, 1))
      const t2 = yield* g.spawn(child(2, 2))
      const t3 = yield* g.spawn(child(3, 'bad'))
      yield* g.join()
      expect(t3.exception).toBeInstanceOf(TypeError)
      expect(g.completed).toBe(t3)
      expect(t1.cancelled && t2.cancelled).toBe(true)
    })
  })

  it('test_task.py::test_task_group_error_block', async () => {
    await vrun(function* () {
      const evt = new Event()
      const tasks: Task<unknown>[] = []
      const e = yield* raises(
        taskGroup({}, function* (g) {
          for (let i = 0; i < 3; i++) tasks.push(yield* g.spawn(() => evt.wait()))
          throw new RangeError('body failed')
        }),
      )
      expect(e).toBeInstanceOf(RangeError)
      expect(tasks.every((t) => t.cancelled)).toBe(true)
    })
  })

  it('test_task.py::test_task_group_join', async () => {
    await vrun(function* () {
      const evt = new Event()
      function* child(x: number, y: unknown): Operation<number> {
        const result = yield* addChecked(x, y)
        yield* evt.wait()
        return result
      }
      const g = new TaskGroup()
      const t1 = yield* g.spawn(child(1, 'foo'))
      const t2 = yield* g.spawn(child(2, 2))
      const t3 = yield* g.spawn(child(3, 3))
      const e = yield* raises(t1.join())
      expect((e as TaskError).cause).toBeInstanceOf(TypeError)
      expect(t1.exception).toBeInstanceOf(TypeError)
      expect(() => t1.result).toThrow(TypeError)
      // The error has not cancelled the others: they are still running.
      expect(() => t2.result).toThrow(Error)
      expect(() => t2.exception).toThrow(Error)
      evt.set()
      yield* g.join()
      expect(t2.cancelled || t3.cancelled).toBe(false)
      expect(g.results).toEqual([4, 6])
    })
  })

  it('test_task.py::test_task_group_cancel', async () => {
    await vrun(function* () {
      const evt = new Event()
      const evt2 = new Event()
      const tasks: Task<unknown>[] = []
      let seen: unknown
      const t = yield* spawn(function* coro() {
        try {
          yield* taskGroup({}, function* (g) {
            for (let i = 0; i < 3; i++) tasks.push(yield* g.spawn(() => evt.wait()))
            evt2.set()
          })
        } catch (e) {
          seen = e
          expect(tasks.every((task) => task.cancelled)).toBe(true)
          throw e
        }
      })
      yield* evt2.wait()
      yield* t.cancel()
      expect(seen).toBeInstanceOf(CancelledError)
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
  })

  it('test_task.py::test_task_group_timeout', async () => {
    await vrun(function* () {
      const evt = new Event()
      const tasks: Task<unknown>[] = []
      const e = yield* raises(
        timeoutAfter(250, function* () {
          try {
            yield* taskGroup({}, function* (g) {
              for (let i = 0; i < 3; i++) tasks.push(yield* g.spawn(() => evt.wait()))
            })
          } catch (error) {
            expect(error).toBeInstanceOf(CancelledError)
            expect(tasks.every((task) => task.cancelled)).toBe(true)
            throw error
          }
        }),
      )
      expect(e).toBeInstanceOf(TaskTimeout)
      for (const task of tasks) expect(task.exception).toBeInstanceOf(TaskCancelled)
    })
  })

  it('test_task.py::test_task_group_cancel_remaining', async () => {
    await vrun(function* () {
      const evt = new Event()
      const g = new TaskGroup()
      const t0 = yield* g.spawn(add(1, 1))
      yield* g.spawn(add(2, 2))
      const t2 = yield* g.spawn(() => evt.wait())
      const t3 = yield* g.spawn(() => evt.wait())
      expect(yield* g.nextDone()).toBe(t0)
      expect(yield* g.nextResult()).toBe(4)
      yield* g.cancelRemaining()
      yield* g.join()
      expect(t2.cancelled && t3.cancelled).toBe(true)
    })
  })

  it('test_task.py::test_task_group_use_error', async () => {
    // Curio's spawn_thread part has no counterpart (no async threads).
    await vrun(function* () {
      const g = new TaskGroup()
      const t1 = yield* g.spawn(sleep(0))
      expect(() => g.addTask(t1)).toThrow(Error)
      yield* g.join()
      expect(yield* raises(g.spawn(sleep(0)))).toBeInstanceOf(Error)
      const t2 = yield* spawn(sleep(0))
      expect(() => g.addTask(t2)).toThrow(Error)
      yield* t2.join()
    })
  })

  it('test_task.py::test_task_group_empty', async () => {
    await vrun(function* () {
      const g = new TaskGroup()
      yield* g.join()
      expect(g.exception).toBeUndefined()
      expect(g.exceptions).toEqual([])
      expect(g.results).toEqual([])
      expect(() => g.result).toThrow(Error)
    })
  })

  function* cancelledWhileDisabled(body: (e1: Event, e2: Event) => Operation<void>): Operation<void> {
    const e1 = new Event()
    const e2 = new Event()
    const task = yield* spawn(() => body(e1, e2))
    yield* e1.wait()
    yield* task.cancel({ blocking: false })
    e2.set()
    yield* task.join()
  }

  it('test_task.py::test_defer_cancellation', async () => {
    await vrun(() =>
      cancelledWhileDisabled(function* (e1, e2) {
        const e = yield* raises(
          (function* () {
            yield* disableCancellation(function* () {
              e1.set()
              yield* e2.wait()
            })
            yield* checkCancellation()
          })(),
        )
        expect(e).toBeInstanceOf(CancelledError)
      }),
    )
  })

  it('test_task.py::test_explicit_raise_cancel_disable', async () => {
    await vrun(() =>
      cancelledWhileDisabled(function* (e1, e2) {
        const e = yield* raises(
          (function* () {
            yield* disableCancellation(function* () {
              yield* disableCancellation(function* () {
                e1.set()
                yield* e2.wait()
                throw new TaskCancelled()
              })
              // Thrown by hand, it did not propagate: it waits for cancellation to be allowed.
              expect(yield* checkCancellation()).toBeInstanceOf(TaskCancelled)
            })
            yield* checkCancellation()
          })(),
        )
        expect(e).toBeInstanceOf(CancelledError)
      }),
    )
  })

  it('test_task.py::test_disable_cancellation_function', async () => {
    await vrun(() =>
      cancelledWhileDisabled(function* (e1, e2) {
        function* cancelIt(): Operation<void> {
          e1.set()
          yield* e2.wait()
        }
        const e = yield* raises(
          (function* () {
            yield* disableCancellation(cancelIt())
            yield* checkCancellation()
          })(),
        )
        expect(e).toBeInstanceOf(CancelledError)
      }),
    )
  })

  it('test_task.py::test_self_cancellation', async () => {
    await vrun(function* () {
      const me = yield* currentTask()
      yield* me.cancel({ blocking: false })
      // Delivered the next time it blocks.
      expect(yield* raises(sleep(0))).toBeInstanceOf(CancelledError)
    })
  })

  it('test_task.py::test_disable_cancellation_explicit_raise', async () => {
    await vrun(function* () {
      const e = yield* raises(
        disableCancellation(function* () {
          throw new CancelledError()
        }),
      )
      expect(e).toBeInstanceOf(CancelledError)
    })
  })

  it('test_task.py::test_set_cancellation', async () => {
    // Curio's check_cancellation(exc_type) filter has no counterpart: setCancellation returns
    // and clears the pending one instead.
    await vrun(function* () {
      yield* setCancellation(new CancelledError())
      expect(yield* raises(sleep(1000))).toBeInstanceOf(CancelledError)
      yield* setCancellation(new CancelledError())
      yield* disableCancellation(function* () {
        expect(yield* checkCancellation()).toBeInstanceOf(CancelledError)
        expect(yield* setCancellation(undefined)).toBeInstanceOf(CancelledError)
        expect(yield* checkCancellation()).toBeUndefined()
      })
    })
  })

  it('test_task.py::test_taskgroup_misc', async () => {
    await vrun(function* () {
      let g = new TaskGroup()
      yield* g.cancelRemaining()
      g = new TaskGroup()
      yield* g.spawn(sleep(0))
      yield* g.cancelRemaining()
      yield* g.join()
    })
  })

  it('test_task.py::test_contextvars', async () => {
    // contextvars.ContextVar is Local here: each task starts with a copy of its parent's values.
    const x = new Local(0)
    const events: number[] = []
    function* countdown(n: number): Operation<void> {
      x.set(n)
      while (x.get() > 0) {
        events.push(x.get())
        x.set(x.get() - 1)
        yield* sleep(0)
      }
    }
    await vrun(() =>
      taskGroup({}, function* (g) {
        yield* g.spawn(countdown(3))
        yield* g.spawn(countdown(6))
      }),
    )
    expect(events).toEqual([3, 6, 2, 5, 1, 4, 3, 2, 1])
  })

  it('test_task.py::test_task_group_result', async () => {
    await vrun(function* () {
      const g = new TaskGroup({ wait: 'any' })
      yield* g.spawn(add(1, 1))
      yield* g.spawn(add(2, 2))
      yield* g.spawn(add(3, 3))
      yield* g.join()
      expect(g.result).toBe(2)
    })
  })

  it('test_task.py::test_task_diag', async () => {
    await run(
      function* () {
        const t = yield* spawn(function* child() {
          yield* sleep(250)
        })
        yield* sleep(0)
        expect(String(t)).toBeTypeOf('string')
        expect(t.where()).toMatch(/\S/)
        yield* t.cancel()
      },
      { clock: 'virtual', debug: true },
    )
  })

  it('test_task.py::test_late_join', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {})
      yield* sleep(100)
      expect(yield* t.cancel()).toBe(false)
      expect(t.terminated).toBe(true)
      expect(t.cancelled).toBe(false)
    })
  })

  it('test_task.py::test_task_group_join_done', async () => {
    await vrun(function* () {
      const w = new TaskGroup({ wait: 'all' })
      yield* w.spawn(add(1, 1))
      yield* w.spawn(add(2, 2))
      const t3 = yield* w.spawn(add(3, 3))
      expect(yield* t3.join()).toBe(6)
      yield* w.join()
      expect(w.results).toEqual([2, 4])
    })
  })

  it('test_task.py::test_errors', async () => {
    await vrun(function* () {
      const g = new TaskGroup()
      expect(() => g.result).toThrow(Error)
      expect(() => g.exception).toThrow(Error)
      expect(() => g.results).toThrow(Error)
      expect(() => g.exceptions).toThrow(Error)
      expect(yield* raises(g.nextResult())).toBeInstanceOf(Error)
      yield* g.join()
    })
  })
})
