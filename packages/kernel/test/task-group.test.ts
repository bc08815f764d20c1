import { describe, expect, it } from 'vitest'
import {
  clock,
  Kernel,
  type Operation,
  sleep,
  spawn,
  type Task,
  TaskCancelled,
  TaskGroup,
  TaskGroupError,
  taskGroup,
  WaitQueue,
} from '../src/index.js'
import { vrun } from './helpers.js'

function* after<T>(ms: number, value: T): Operation<T> {
  yield* sleep(ms)
  return value
}

function* failAfter(ms: number, error: Error): Operation<never> {
  yield* sleep(ms)
  throw error
}

function* forever(): Operation<never> {
  const q = new WaitQueue()
  for (;;) yield* q.suspend('FOREVER')
}

/** Runs `body` on a kernel and checks that no task but main is alive when it returns. */
async function inKernel<T>(body: () => Operation<T>): Promise<T> {
  const kernel = new Kernel({ clock: 'virtual' })
  const out = await kernel.run(function* () {
    const v = yield* body()
    expect(kernel.tasks().map((t) => t.name)).toEqual(['main'])
    return v
  })
  await kernel.close()
  return out
}

describe('wait modes', () => {
  it("'all' waits for every task; results are in creation order, result is the first to end", async () => {
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'all' })
      yield* g.spawn(after(30, 'c'))
      yield* g.spawn(after(10, 'a'))
      yield* g.spawn(after(20, 'b'))
      yield* g.join()
      expect(yield* clock()).toBe(30)
      expect(g.results).toEqual(['c', 'a', 'b'])
      expect(g.result).toBe('a')
      expect(g.exception).toBeUndefined()
      expect(g.exceptions).toEqual([undefined, undefined, undefined])
    })
  })

  it("'all' is the default", async () => {
    await inKernel(function* () {
      const g = new TaskGroup()
      yield* g.spawn(after(30, 1))
      yield* g.spawn(after(10, 2))
      yield* g.join()
      expect(g.results).toEqual([1, 2])
    })
  })

  it("'any' returns at the first task to end and cancels the others", async () => {
    const cleaned: string[] = []
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'any' })
      const slow = yield* g.spawn(function* () {
        try {
          yield* sleep(100)
        } finally {
          cleaned.push('slow')
        }
      })
      const fast = yield* g.spawn(after(10, undefined))
      yield* g.join()
      expect(yield* clock()).toBe(10)
      expect(g.completed).toBe(fast)
      expect(g.result).toBeUndefined()
      expect(slow.cancelled).toBe(true)
      expect(slow.exception).toBeInstanceOf(TaskCancelled)
    })
    expect(cleaned).toEqual(['slow'])
  })

  it("'object' returns at the first task whose value is not undefined/null", async () => {
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'object' })
      yield* g.spawn(after(5, undefined))
      yield* g.spawn(after(10, null))
      const winner = yield* g.spawn(after(20, { found: true }))
      const loser = yield* g.spawn(after(30, 'late'))
      yield* g.join()
      expect(yield* clock()).toBe(20)
      expect(g.completed).toBe(winner)
      expect(g.result).toEqual({ found: true })
      expect(loser.exception).toBeInstanceOf(TaskCancelled)
    })
  })

  it("'object' with no object result waits for all, and result is then an error", async () => {
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'object' })
      yield* g.spawn(after(5, undefined))
      yield* g.spawn(after(10, null))
      yield* g.join()
      expect(yield* clock()).toBe(10)
      expect(() => g.result).toThrow(/no task/)
    })
  })

  it("'none' cancels everything at join", async () => {
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'none' })
      const a = yield* g.spawn(after(10, 'a'))
      const b = yield* g.spawn(forever)
      yield* sleep(5)
      yield* g.join()
      expect(yield* clock()).toBe(5)
      expect(a.exception).toBeInstanceOf(TaskCancelled)
      expect(b.exception).toBeInstanceOf(TaskCancelled)
      expect(g.exceptions).toEqual([a.exception, b.exception])
    })
  })

  it('rejects an unknown wait mode', () => {
    expect(() => new TaskGroup({ wait: 'some' as 'all' })).toThrow(TypeError)
  })
})

describe('failures', () => {
  for (const mode of ['all', 'any', 'object', 'none'] as const) {
    it(`'${mode}': a failing child ends the join, the rest are cancelled, result/results re-throw it`, async () => {
      const boom = new Error(`boom ${mode}`)
      await inKernel(function* () {
        const g = new TaskGroup({ wait: mode })
        const other = yield* g.spawn(after(1000, 'x'))
        yield* g.spawn(failAfter(10, boom))
        if (mode === 'none') {
          // 'none' cancels at join; a failure that happened before join still counts.
          yield* sleep(20)
        }
        yield* g.join()
        expect(yield* clock()).toBe(mode === 'none' ? 20 : 10)
        expect(other.exception).toBeInstanceOf(TaskCancelled)
        expect(() => g.result).toThrow(boom)
        expect(() => g.results).toThrow(boom)
        expect(g.exception).toBe(boom)
        // One entry per task, in creation order: the sibling the join cancelled included.
        expect(g.exceptions).toEqual([other.exception, boom])
      })
    })
  }

  it('a failure before an any-winner still ends the join with the failure', async () => {
    const boom = new Error('first')
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'any' })
      yield* g.spawn(failAfter(5, boom))
      yield* g.spawn(after(10, 'winner'))
      yield* g.join()
      expect(() => g.result).toThrow(boom)
    })
  })

  it('children cancelled by the group are not failures', async () => {
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'any' })
      yield* g.spawn(after(5, 'a'))
      const waiting = yield* g.spawn(forever)
      yield* g.join()
      expect(g.exceptions).toEqual([undefined, waiting.exception])
      expect(waiting.exception).toBeInstanceOf(TaskCancelled)
      expect(g.exception).toBeUndefined()
      expect(g.result).toBe('a')
    })
  })
})

describe('scoped taskGroup', () => {
  it('runs the body, joins, and returns the body value', async () => {
    await inKernel(function* () {
      const out = yield* taskGroup({ wait: 'all' }, function* (g) {
        yield* g.spawn(after(10, 1))
        yield* g.spawn(after(20, 2))
        return 'body value'
      })
      expect(out).toBe('body value')
      expect(yield* clock()).toBe(20)
    })
  })

  it('throws TaskGroupError with every child failure, in completion order, cause the first', async () => {
    const e1 = new Error('one')
    const e2 = new Error('two')
    await inKernel(function* () {
      let caught: unknown
      try {
        yield* taskGroup(undefined, function* (g) {
          yield* g.spawn(failAfter(10, e2))
          yield* g.spawn(failAfter(10, e1))
          yield* g.spawn(forever)
        })
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(TaskGroupError)
      expect((caught as TaskGroupError).errors).toEqual([e2, e1])
      expect((caught as TaskGroupError).cause).toBe(e2)
    })
  })

  it('a body error cancels the children first, then propagates unchanged', async () => {
    const log: string[] = []
    const bodyError = new Error('body')
    await inKernel(function* () {
      let caught: unknown
      try {
        yield* taskGroup({}, function* (g) {
          yield* g.spawn(function* () {
            try {
              yield* forever()
            } finally {
              yield* sleep(5)
              log.push('child cleaned up')
            }
          })
          yield* sleep(1)
          throw bodyError
        })
      } catch (e) {
        log.push('error reached the caller')
        caught = e
      }
      expect(caught).toBe(bodyError)
    })
    expect(log).toEqual(['child cleaned up', 'error reached the caller'])
  })

  it('a cancelled body cancels the children before the cancellation propagates', async () => {
    const log: string[] = []
    await vrun(function* () {
      const t = yield* spawn(() =>
        taskGroup({}, function* (g) {
          yield* g.spawn(function* () {
            try {
              yield* forever()
            } finally {
              log.push('child finally')
            }
          })
          yield* forever()
        }),
      )
      yield* sleep(1)
      yield* t.cancel()
      log.push('cancel returned')
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
    expect(log).toEqual(['child finally', 'cancel returned'])
  })

  it('rejects a body that is not a function', async () => {
    await vrun(function* () {
      let caught: unknown
      try {
        yield* taskGroup({}, 42 as unknown as () => Operation<void>)
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(TypeError)
    })
  })
})

describe('membership', () => {
  it('an explicit join() removes a task from the group', async () => {
    const boom = new Error('joined away')
    await inKernel(function* () {
      const g = new TaskGroup()
      const t = yield* g.spawn(failAfter(5, boom))
      const u = yield* g.spawn(after(10, 'u'))
      expect(g.tasks).toEqual([t, u])
      let caught: unknown
      try {
        yield* t.join()
      } catch (e) {
        caught = e
      }
      expect((caught as Error).cause).toBe(boom)
      expect(g.tasks).toEqual([u])
      yield* g.join()
      // The failure was taken by the explicit join: the group does not see it.
      expect(g.exceptions).toEqual([undefined])
      expect(g.results).toEqual(['u'])
    })
  })

  it('daemons do not hold the join and are cancelled at it', async () => {
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'all' })
      const d = yield* g.spawn(forever, { daemon: true })
      yield* g.spawn(after(10, 'work'))
      yield* g.join()
      expect(yield* clock()).toBe(10)
      expect(d.terminated).toBe(true)
      expect(d.exception).toBeInstanceOf(TaskCancelled)
      expect(g.results).toEqual(['work'])
    })
  })

  it('no task of the group is alive after join, whatever the children do on cancellation', async () => {
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'any' })
      const stubborn: Task<unknown>[] = []
      for (let i = 0; i < 3; i++) {
        stubborn.push(
          yield* g.spawn(function* () {
            try {
              yield* forever()
            } finally {
              yield* sleep(10 * (i + 1))
            }
          }),
        )
      }
      yield* g.spawn(after(1, 'first'))
      yield* g.join()
      expect(stubborn.every((t) => t.terminated)).toBe(true)
      // The cleanups run concurrently: the join lasts as long as the slowest one.
      expect(yield* clock()).toBe(31)
    })
  })

  it('addTask adopts a task spawned elsewhere, even one that already ended', async () => {
    await inKernel(function* () {
      const done = yield* spawn(after(0, 'early'))
      yield* sleep(1)
      const running = yield* spawn(after(10, 'late'))
      const g = new TaskGroup({}, [done])
      g.addTask(running)
      expect(() => g.addTask(running)).toThrow(/already in a task group/)
      yield* g.join()
      expect(g.results).toEqual(['early', 'late'])
    })
  })

  it('spawning into a joined group is an error', async () => {
    await inKernel(function* () {
      const g = new TaskGroup()
      yield* g.join()
      let caught: unknown
      try {
        yield* g.spawn(after(1, 1))
      } catch (e) {
        caught = e
      }
      expect((caught as Error).message).toMatch(/already joined/)
      expect(() => g.addTask(undefined as unknown as Task<unknown>)).toThrow(/already joined/)
    })
  })

  it('result, results, exception and exceptions are only known after join', async () => {
    await inKernel(function* () {
      const g = new TaskGroup()
      yield* g.spawn(after(1, 1))
      expect(() => g.result).toThrow(/after join/)
      expect(() => g.results).toThrow(/after join/)
      expect(() => g.exception).toThrow(/after join/)
      expect(() => g.exceptions).toThrow(/after join/)
      yield* g.join()
      expect(g.result).toBe(1)
    })
  })

  it('a second join returns at once', async () => {
    await inKernel(function* () {
      const g = new TaskGroup()
      yield* g.spawn(after(5, 1))
      yield* g.join()
      yield* g.join()
      expect(yield* clock()).toBe(5)
    })
  })
})

describe('nextDone / nextResult / cancelRemaining', () => {
  it('nextDone hands back tasks in completion order, then undefined', async () => {
    await inKernel(function* () {
      const g = new TaskGroup()
      const a = yield* g.spawn(after(20, 'a'))
      const b = yield* g.spawn(after(10, 'b'))
      expect(yield* g.nextDone()).toBe(b)
      expect(yield* g.nextDone()).toBe(a)
      expect(yield* g.nextDone()).toBeUndefined()
      yield* g.join()
    })
  })

  it('nextResult returns values and re-throws a failure', async () => {
    const boom = new Error('nr')
    await inKernel(function* () {
      const g = new TaskGroup()
      yield* g.spawn(after(10, 'ok'))
      yield* g.spawn(failAfter(20, boom))
      expect(yield* g.nextResult()).toBe('ok')
      let caught: unknown
      try {
        yield* g.nextResult()
      } catch (e) {
        caught = e
      }
      expect(caught).toBe(boom)
      let none: unknown
      try {
        yield* g.nextResult()
      } catch (e) {
        none = e
      }
      expect((none as Error).message).toMatch(/no task left/)
      yield* g.join()
    })
  })

  it('cancelRemaining cancels every running task, waits for each, and they leave the group', async () => {
    await inKernel(function* () {
      const g = new TaskGroup()
      const a = yield* g.spawn(forever)
      const b = yield* g.spawn(forever)
      yield* sleep(1)
      yield* g.cancelRemaining()
      expect(a.terminated && b.terminated).toBe(true)
      yield* g.join()
      expect(a.exception).toBeInstanceOf(TaskCancelled)
      expect(g.tasks).toEqual([])
      expect(g.exceptions).toEqual([])
    })
  })

  it('a join cancelled from outside still leaves no task of the group alive', async () => {
    await inKernel(function* () {
      const g = new TaskGroup()
      const child = yield* spawn(forever)
      g.addTask(child)
      const joiner = yield* spawn(() => g.join())
      yield* sleep(1)
      yield* joiner.cancel()
      expect(joiner.exception).toBeInstanceOf(TaskCancelled)
      expect(child.terminated).toBe(true)
    })
  })
})

// Curio's TaskGroup bookkeeping (tests/test_task.py), rule by rule.
describe('bookkeeping as in Curio', () => {
  it('a daemon member that crashes ends nothing and is in no result (test_task_group_daemon)', async () => {
    const boom = new Error('daemon crash')
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'all' })
      const work = yield* g.spawn(after(10, 'work'))
      const crashed = yield* g.spawn(failAfter(1, boom), { daemon: true })
      const idle = yield* g.spawn(forever, { daemon: true })
      yield* g.join()
      expect(yield* clock()).toBe(10)
      expect(work.result).toBe('work')
      expect(g.tasks).toEqual([work])
      expect(g.results).toEqual(['work'])
      expect(g.exceptions).toEqual([undefined])
      expect(g.completed).toBe(work)
      expect(idle.exception).toBeInstanceOf(TaskCancelled)
      expect(crashed.exception).toBe(boom)
    })
  })

  it('a crashing daemon is no TaskGroupError of the scoped form; the crash reporter tells of it', async () => {
    const boom = new Error('daemon')
    const reports: unknown[] = []
    const kernel = new Kernel({ clock: 'virtual', reportCrash: (r) => reports.push(r.error) })
    const out = await kernel.run(() =>
      taskGroup({}, function* (g) {
        yield* g.spawn(failAfter(1, boom), { daemon: true })
        yield* g.spawn(after(5, 'ok'))
        return 'body'
      }),
    )
    await kernel.close()
    expect(out).toBe('body')
    expect(reports).toEqual([boom])
  })

  it('results come in creation order, whatever order the tasks end in (test_task_group_existing)', async () => {
    await inKernel(function* () {
      const early = yield* spawn(after(1, 2))
      const late1 = yield* spawn(after(30, 4))
      const late2 = yield* spawn(after(20, 6))
      const added = yield* spawn(after(1, 8))
      yield* early.join()
      yield* added.join()
      const g = new TaskGroup({}, [late2, early, late1])
      g.addTask(added)
      yield* g.join()
      expect(g.tasks).toEqual([early, late1, late2, added])
      expect(g.results).toEqual([2, 4, 6, 8])
    })
  })

  it('exceptions has one entry per task, the siblings the join cancelled included (test_task_any_error)', async () => {
    const bad = new TypeError('bad operand')
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'any' })
      const t1 = yield* g.spawn(failAfter(1, bad))
      const t2 = yield* g.spawn(forever)
      const t3 = yield* g.spawn(forever)
      yield* g.join()
      expect(() => g.result).toThrow(bad)
      expect(g.exception).toBe(bad)
      expect(t1.exception).toBe(bad)
      expect(t2.cancelled && t3.cancelled).toBe(true)
      expect(g.exceptions).toEqual([bad, t2.exception, t3.exception])
      expect(g.exceptions.every((e) => e !== undefined)).toBe(true)
      expect(t2.exception).toBeInstanceOf(TaskCancelled)
    })
  })

  it('a task taken out with nextDone leaves the group (test_task_group_iter)', async () => {
    await inKernel(function* () {
      const g = new TaskGroup()
      const a = yield* g.spawn(after(1, 2))
      yield* g.spawn(after(2, 4))
      yield* g.spawn(after(3, 6))
      const seen = new Set<unknown>()
      for (let t = yield* g.nextDone(); t !== undefined; t = yield* g.nextDone()) {
        expect(g.tasks).not.toContain(t)
        seen.add(t.result)
      }
      expect(a.result).toBe(2)
      yield* g.join()
      expect(seen).toEqual(new Set([2, 4, 6]))
      expect(g.tasks).toEqual([])
      expect(g.results).toEqual([])
      expect(g.completed).toBeUndefined()
    })
  })

  it('nextResult takes the task out of the group too', async () => {
    await inKernel(function* () {
      const g = new TaskGroup()
      yield* g.spawn(after(1, 'first'))
      const second = yield* g.spawn(after(2, 'second'))
      expect(yield* g.nextResult()).toBe('first')
      yield* g.join()
      expect(g.tasks).toEqual([second])
      expect(g.results).toEqual(['second'])
    })
  })

  it('completed is the first task the join examined, a failed one included (test_task_group_error)', async () => {
    const bad = new TypeError('bad')
    await inKernel(function* () {
      const g = new TaskGroup()
      const t1 = yield* g.spawn(forever)
      const t2 = yield* g.spawn(forever)
      const t3 = yield* g.spawn(failAfter(1, bad))
      yield* g.join()
      expect(g.completed).toBe(t3)
      expect(t3.exception).toBe(bad)
      expect(t1.cancelled && t2.cancelled).toBe(true)
    })
  })

  it("'object': completed is the first non-null result or failure, not an earlier null", async () => {
    await inKernel(function* () {
      const g = new TaskGroup({ wait: 'object' })
      yield* g.spawn(after(1, null))
      const winner = yield* g.spawn(after(2, { found: true }))
      yield* g.spawn(forever)
      yield* g.join()
      expect(g.completed).toBe(winner)
      expect(g.result).toEqual({ found: true })
    })
  })
})
