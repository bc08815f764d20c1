import { describe, expect, it } from 'vitest'
import {
  awaitPromise,
  clock,
  currentTask,
  getCurrentTask,
  Kernel,
  type Operation,
  run,
  sleep,
  spawn,
  type Task,
  TaskError,
} from '../src/index.js'
import { rejection, vrun } from './helpers.js'

describe('run', () => {
  it('resolves with the value main returns', async () => {
    function* main(): Operation<number> {
      return 42
    }
    expect(await run(main)).toBe(42)
  })

  it('accepts a started-but-unstepped generator as well as a generator function', async () => {
    function* main(n: number): Operation<number> {
      return n + 1
    }
    expect(await run(main(1))).toBe(2)
  })

  it("rejects with main's own exception object, not a wrapper", async () => {
    const boom = new Error('boom')
    function* main(): Operation<void> {
      yield* sleep(1)
      throw boom
    }
    expect(await rejection(vrun(main))).toBe(boom)
  })
})

describe('spawn and join', () => {
  it('join returns the child value (the example of the model paragraph)', async () => {
    function* child(n: number): Operation<number> {
      yield* sleep(10)
      return n * 2
    }
    const out = await vrun(function* () {
      const t = yield* spawn(child(21))
      return yield* t.join()
    })
    expect(out).toBe(42)
  })

  it('spawn is not a switch: the caller keeps running until it blocks', async () => {
    const log: string[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        log.push('child')
      })
      log.push('parent after spawn')
      expect(t.state).toBe('READY')
      yield* t.join()
      log.push('joined')
    })
    expect(log).toEqual(['parent after spawn', 'child', 'joined'])
  })

  it('join of a failed task throws TaskError whose cause is the exception', async () => {
    const boom = new TypeError('bad')
    const err = await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(1)
        throw boom
      })
      try {
        yield* t.join()
      } catch (e) {
        return e
      }
      return undefined
    })
    expect(err).toBeInstanceOf(TaskError)
    expect((err as TaskError).cause).toBe(boom)
  })

  it('join of a task that already ended returns at once, as many times as asked', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        return 'v'
      })
      yield* sleep(5)
      expect(t.terminated).toBe(true)
      const before = yield* clock()
      expect(yield* t.join()).toBe('v')
      expect(yield* t.join()).toBe('v')
      expect(yield* clock()).toBe(before)
    })
  })

  it('several tasks can join the same task and all get its value', async () => {
    const got = await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(10)
        return 7
      })
      const joiners: Task<number>[] = []
      for (let i = 0; i < 3; i++) joiners.push(yield* spawn(() => t.join()))
      const out: number[] = []
      for (const j of joiners) out.push(yield* j.join())
      return out
    })
    expect(got).toEqual([7, 7, 7])
  })

  it('wait() waits for the end without a value and never throws the child error', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(3)
        throw new Error('child failure')
      })
      expect(yield* t.wait()).toBeUndefined()
      expect(t.terminated).toBe(true)
      expect(yield* clock()).toBe(3)
      expect(() => t.result).toThrow('child failure')
    })
  })

  it('a task spawned from a finished parent still runs to completion', async () => {
    const log: string[] = []
    await vrun(function* () {
      const p = yield* spawn(function* () {
        yield* spawn(function* () {
          yield* sleep(10)
          log.push('grandchild done')
        })
      })
      yield* p.join()
      yield* sleep(20)
    })
    expect(log).toEqual(['grandchild done'])
  })
})

describe('Task fields', () => {
  it('ids are unique and increasing', async () => {
    const ids = await vrun(function* () {
      const a = yield* spawn(function* () {})
      const b = yield* spawn(function* () {})
      const me = yield* currentTask()
      return [me.id, a.id, b.id]
    })
    expect(ids[0]!).toBeLessThan(ids[1]!)
    expect(ids[1]!).toBeLessThan(ids[2]!)
  })

  it('name: options.name, else the generator function name, else "task"', async () => {
    function* worker(): Operation<void> {}
    const names = await vrun(function* () {
      const a = yield* spawn(worker, { name: 'custom' })
      const b = yield* spawn(worker)
      const c = yield* spawn(worker())
      const me = yield* currentTask()
      return [a.name, b.name, c.name, me.name]
    })
    expect(names).toEqual(['custom', 'worker', 'task', 'main'])
  })

  it('main is named after its generator function', async () => {
    function* entry(): Operation<string> {
      return (yield* currentTask()).name
    }
    expect(await run(entry)).toBe('entry')
  })

  it('parentId and daemon are recorded', async () => {
    await vrun(function* () {
      const me = yield* currentTask()
      expect(me.parentId).toBeUndefined()
      const t = yield* spawn(function* () {}, { daemon: true })
      expect(t.parentId).toBe(me.id)
      expect(t.daemon).toBe(true)
      const u = yield* spawn(function* () {})
      expect(u.daemon).toBe(false)
    })
  })

  it('state names what the task does: READY, RUNNING, SLEEP, TASK_JOIN, TERMINATED', async () => {
    await vrun(function* () {
      const me = yield* currentTask()
      expect(me.state).toBe('RUNNING')
      const sleeper = yield* spawn(function* () {
        yield* sleep(10)
      })
      expect(sleeper.state).toBe('READY')
      const joiner = yield* spawn(() => sleeper.join())
      yield* sleep(1)
      expect(sleeper.state).toBe('SLEEP')
      expect(joiner.state).toBe('TASK_JOIN')
      yield* joiner.join()
      expect(sleeper.state).toBe('TERMINATED')
      expect(sleeper.terminated).toBe(true)
    })
  })

  it('cycles counts how many times the task was stepped', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(1)
        yield* sleep(1)
      })
      yield* t.join()
      expect(t.cycles).toBe(3)
    })
  })

  it('result / exception are only readable after termination', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(1)
        return 5
      })
      expect(() => t.result).toThrow(/has not terminated/)
      expect(() => t.exception).toThrow(/has not terminated/)
      yield* t.wait()
      expect(t.result).toBe(5)
      expect(t.exception).toBeUndefined()
    })
  })

  it('result re-throws the task own exception (not a TaskError)', async () => {
    const boom = new RangeError('r')
    await vrun(function* () {
      const t = yield* spawn(function* () {
        throw boom
      })
      yield* t.wait()
      expect(t.exception).toBe(boom)
      let caught: unknown
      try {
        void t.result
      } catch (e) {
        caught = e
      }
      expect(caught).toBe(boom)
    })
  })

  it('getCurrentTask() is the running task inside a task and undefined outside', async () => {
    expect(getCurrentTask()).toBeUndefined()
    await vrun(function* () {
      const me = yield* currentTask()
      expect(getCurrentTask()).toBe(me)
      const child = yield* spawn(function* () {
        return getCurrentTask()
      })
      expect(yield* child.join()).toBe(child)
      yield* sleep(1)
      expect(getCurrentTask()).toBe(me)
    })
    expect(getCurrentTask()).toBeUndefined()
  })
})

describe('toPromise', () => {
  it('settles with the value of the task', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    let p: Promise<number> | undefined
    await kernel.run(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(5)
        return 9
      })
      p = t.toPromise()
      yield* t.wait()
    })
    await kernel.close()
    expect(await p).toBe(9)
  })

  it('rejects with the task exception itself', async () => {
    const boom = new Error('x')
    let p: Promise<unknown> | undefined
    await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(1)
        throw boom
      })
      p = t.toPromise()
      p.catch(() => {})
      yield* t.wait()
    })
    expect(await rejection(p!)).toBe(boom)
  })

  it('works when asked after the end, and from promise code while the kernel runs', async () => {
    const kernel = new Kernel()
    const seen: number[] = []
    await kernel.run(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(2)
        return 3
      })
      t.toPromise().then((v) => seen.push(v))
      yield* t.wait()
      // Asked after the end: settles with the same value.
      seen.push(yield* awaitPromise(t.toPromise()))
    })
    await kernel.close()
    expect(seen).toEqual([3, 3])
  })
})
