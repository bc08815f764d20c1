import { describe, expect, it } from 'vitest'
import {
  awaitPromise,
  currentTask,
  Kernel,
  KernelClosed,
  type Operation,
  run,
  sleep,
  spawn,
  TaskGroup,
} from '../src/index.js'
import { rejection, vrun } from './helpers.js'

/** Runs `body` and returns what it threw (fails if it did not throw). */
function* thrown(body: () => Operation<unknown>): Operation<unknown> {
  try {
    yield* body()
  } catch (e) {
    return e
  }
  throw new Error('expected an exception')
}

describe('yield without the star', () => {
  it('is reported at that point as a TypeError that says to use yield*', async () => {
    await vrun(function* () {
      const e = yield* thrown(function* () {
        yield sleep(10) as any
      })
      expect(e).toBeInstanceOf(TypeError)
      expect((e as Error).message).toMatch(/yield\*/)
    })
  })

  it('the task can catch it and carry on', async () => {
    const out = await vrun(function* () {
      try {
        yield sleep(10) as any
      } catch {}
      yield* sleep(1)
      return 'carried on'
    })
    expect(out).toBe('carried on')
  })

  it('an uncaught one fails the task with that TypeError', async () => {
    const e = await rejection(
      vrun(function* () {
        yield (function* () {})() as any
      }),
    )
    expect(e).toBeInstanceOf(TypeError)
    expect((e as Error).message).toMatch(/yield\*/)
  })

  it('an operation from a second copy of the kernel is named as such, not as a missing star', async () => {
    // What a trap of another loaded copy (ESM beside CJS, two versions) looks like to this one:
    // stepped through yield* (state 1), but not an instance of this copy's Trap class.
    const foreignTrap = {
      value: undefined as unknown,
      done: false,
      _s: 0,
      next() {
        this._s = 1
        this.value = this
        return this
      },
      throw(error: unknown): never {
        throw error
      },
      [Symbol.iterator]() {
        return this
      },
    }
    await vrun(function* () {
      const e = yield* thrown(function* () {
        yield* foreignTrap as any
      })
      expect(e).toBeInstanceOf(TypeError)
      expect((e as Error).message).toMatch(/another copy of @curio\/kernel/)
    })
  })

  it('yielding a promise says to use awaitPromise', async () => {
    await vrun(function* () {
      const e = yield* thrown(function* () {
        yield Promise.resolve(1) as any
      })
      expect(e).toBeInstanceOf(TypeError)
      expect((e as Error).message).toMatch(/awaitPromise/)
    })
  })

  it('yielding a plain value is a TypeError naming it', async () => {
    await vrun(function* () {
      const e = yield* thrown(function* () {
        yield 42 as any
      })
      expect(e).toBeInstanceOf(TypeError)
      expect((e as Error).message).toMatch(/42/)
    })
  })

  it('an operation called without yield* does nothing', async () => {
    await vrun(function* () {
      const me = yield* currentTask()
      sleep(1000)
      spawn(function* () {
        throw new Error('never spawned')
      })
      expect(me.state).toBe('RUNNING')
    })
  })

  it('an operation object runs once: using it a second time is a TypeError', async () => {
    await vrun(function* () {
      const op = sleep(1)
      yield* op
      const e = yield* thrown(function* () {
        yield* op
      })
      expect(e).toBeInstanceOf(TypeError)
      expect((e as Error).message).toMatch(/already used/)
    })
  })
})

describe('spawning something that is not a generator', () => {
  const notOperations: [string, unknown, RegExp][] = [
    ['an async function', async () => 1, /async function/],
    ['a plain value', 42, /42/],
    ['a promise', Promise.resolve(1), /Promise/],
    ['a function that returns no generator', () => 5, /function\*/],
    ['null', null, /null/],
  ]
  for (const [what, value, message] of notOperations) {
    it(`spawn of ${what} throws a TypeError in the spawning task`, async () => {
      await vrun(function* () {
        const e = yield* thrown(function* () {
          yield* spawn(value as () => Operation<void>)
        })
        expect(e).toBeInstanceOf(TypeError)
        expect((e as Error).message).toMatch(message)
      })
    })

    it(`run of ${what} rejects with a TypeError`, async () => {
      const e = await rejection(run(value as () => Operation<void>))
      expect(e).toBeInstanceOf(TypeError)
      expect((e as Error).message).toMatch(message)
    })
  }

  it('an async generator function is refused as well', async () => {
    const e = await rejection(run(async function* () {} as unknown as () => Operation<void>))
    expect(e).toBeInstanceOf(TypeError)
  })
})

describe('tasks', () => {
  it('joining yourself is an error', async () => {
    await vrun(function* () {
      const me = yield* currentTask()
      const e = yield* thrown(() => me.join())
      expect((e as Error).message).toMatch(/itself/)
      const w = yield* thrown(() => me.wait())
      expect((w as Error).message).toMatch(/itself/)
    })
  })

  it('a blocking self-cancel is a plain Error, thrown at once', async () => {
    await vrun(function* () {
      const me = yield* currentTask()
      const e = yield* thrown(() => me.cancel())
      expect(e).toBeInstanceOf(Error)
      expect(e?.constructor).toBe(Error)
    })
  })

  it('reading result or exception before the end is an error', async () => {
    await vrun(function* () {
      const t = yield* spawn(sleep(10))
      expect(() => t.result).toThrow(/not terminated/)
      expect(() => t.exception).toThrow(/not terminated/)
      const me = yield* currentTask()
      expect(() => me.result).toThrow(/not terminated/)
      yield* t.cancel()
    })
  })

  it('spawning into a joined group is an error', async () => {
    await vrun(function* () {
      const g = new TaskGroup()
      yield* g.join()
      const e = yield* thrown(() => g.spawn(sleep(1)))
      expect((e as Error).message).toMatch(/joined/)
    })
  })

  it('sleep, awaitPromise and timeouts reject arguments of the wrong type', async () => {
    expect(() => sleep('10' as unknown as number)).toThrow(TypeError)
    expect(() => awaitPromise(5 as unknown as Promise<number>)).toThrow(TypeError)
  })
})

describe('kernel lifecycle', () => {
  it('run on a closed kernel rejects with KernelClosed', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    await kernel.run(function* () {})
    await kernel.close()
    const e = await rejection(kernel.run(function* () {}))
    expect(e).toBeInstanceOf(KernelClosed)
    // close is idempotent
    await kernel.close()
  })

  it('a second run on a kernel that is already running rejects, and the first is unaffected', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    let second: Promise<unknown> | undefined
    const first = kernel.run(function* () {
      second = kernel.run(function* () {
        return 'second'
      })
      second.catch(() => {})
      yield* sleep(5)
      return 'first'
    })
    expect(await first).toBe('first')
    const e = await rejection(second!)
    expect((e as Error).message).toMatch(/already running/)
    await kernel.close()
  })

  it('close() while a run is in progress rejects', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    let closing: Promise<void> | undefined
    await kernel.run(function* () {
      closing = kernel.close()
      closing.catch(() => {})
      yield* sleep(1)
    })
    const e = await rejection(closing!)
    expect((e as Error).message).toMatch(/running/)
    await kernel.close()
  })

  it('an invalid clock option is a TypeError', () => {
    expect(() => new Kernel({ clock: 'fast' as 'real' })).toThrow(TypeError)
  })
})
