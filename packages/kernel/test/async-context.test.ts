import { AsyncLocalStorage, createHook, executionAsyncId } from 'node:async_hooks'
import { describe, expect, it } from 'vitest'
import {
  awaitPromise,
  call,
  Kernel,
  type Operation,
  run,
  sleep,
  spawn,
  TaskGroup,
  WaitQueue,
} from '../src/index.js'
import { Flag } from './helpers.js'

const als = new AsyncLocalStorage<string>()

/** A promise settled from a plain Node timer, in a context of its own. */
function later<T>(value: T, ms = 1): Promise<T> {
  return als.run('timer', () => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms)))
}

describe('async context: a task runs in the context of its spawn site', () => {
  it('main runs in the context where run() was called, at every step', async () => {
    const seen: (string | undefined)[] = []
    await als.run('request-1', () =>
      run(function* () {
        seen.push(als.getStore())
        yield* sleep(1) // woken by the kernel's Node timer
        seen.push(als.getStore())
        yield* awaitPromise(later(0)) // woken by a promise settled in another context
        seen.push(als.getStore())
      }),
    )
    expect(seen).toEqual(['request-1', 'request-1', 'request-1'])
  })

  it('a child spawned inside als.run gets that store; its siblings keep the parent one', async () => {
    const seen: string[] = []
    function* report(label: string): Operation<void> {
      yield* sleep(1)
      seen.push(`${label}:${als.getStore()}`)
      yield* awaitPromise(later(0))
      seen.push(`${label}:${als.getStore()}`)
    }
    await als.run('A', () =>
      run(function* () {
        const b = yield* als.run('B', () => spawn(report('b'))) // the trap is made inside als.run
        const a = yield* spawn(report('a'))
        const g = new TaskGroup()
        const c = yield* als.run('C', () => g.spawn(report('c')))
        yield* a.join()
        yield* b.join()
        yield* c.join()
        yield* g.join()
      }),
    )
    expect(seen.sort()).toEqual(['a:A', 'a:A', 'b:B', 'b:B', 'c:C', 'c:C'])
  })

  it('kernel.spawn gives the task the context of its caller', async () => {
    const kernel = new Kernel()
    const seen: (string | undefined)[] = []
    als.run('embedder', () =>
      kernel.spawn(function* () {
        yield* sleep(1)
        seen.push(als.getStore())
      }),
    )
    await als.run('main', () => kernel.run(() => sleep(5)))
    await kernel.close()
    expect(seen).toEqual(['embedder'])
  })

  it('tasks that wake each other in one pass each keep their own store', async () => {
    const seen: string[] = []
    const ping = new WaitQueue()
    const pong = new WaitQueue()
    function* player(name: string, mine: WaitQueue, other: WaitQueue): Operation<void> {
      for (let i = 0; i < 3; i++) {
        other.wake()
        yield* mine.suspend('PLAY')
        seen.push(`${name}:${als.getStore()}`)
      }
      other.wake()
    }
    await run(function* () {
      const a = yield* als.run('A', () => spawn(player('a', ping, pong)))
      const b = yield* als.run('B', () => spawn(player('b', pong, ping)))
      yield* a.join()
      yield* b.join()
    })
    expect(seen.filter((s) => s.startsWith('a'))).toEqual(['a:A', 'a:A', 'a:A'])
    expect(seen.filter((s) => s.startsWith('b'))).toEqual(['b:B', 'b:B', 'b:B'])
  })

  it('a task woken from a plain callback in another context still sees its own', async () => {
    const flag = new Flag()
    let seen: string | undefined
    await als.run('task', () =>
      run(function* () {
        als.run('callback', () => setTimeout(() => flag.set(), 1))
        yield* flag.wait()
        seen = als.getStore()
      }),
    )
    expect(seen).toBe('task')
  })

  it('promise code a task starts inherits the task context, after awaits too', async () => {
    const seen: (string | undefined)[] = []
    await run(function* () {
      const t = yield* als.run('worker', () =>
        spawn(function* () {
          return yield* call(async () => {
            seen.push(als.getStore())
            await later(0)
            seen.push(als.getStore())
            return als.getStore()
          })
        }),
      )
      seen.push(yield* t.join())
    })
    expect(seen).toEqual(['worker', 'worker', 'worker'])
  })

  it('holds under the virtual clock as well', async () => {
    const seen: string[] = []
    await run(
      function* () {
        const tasks = []
        for (const name of ['x', 'y', 'z']) {
          tasks.push(
            yield* als.run(name, () =>
              spawn(function* () {
                for (let i = 0; i < 2; i++) {
                  yield* sleep(1000)
                  seen.push(`${name}:${als.getStore()}`)
                }
              }),
            ),
          )
        }
        for (const t of tasks) yield* t.join()
      },
      { clock: 'virtual' },
    )
    expect(seen).toEqual(['x:x', 'y:y', 'z:z', 'x:x', 'y:y', 'z:z'])
  })

  it('a task spawned outside any store sees none, even when woken from inside one', async () => {
    const flag = new Flag()
    let seen: string | undefined = 'unset'
    await run(function* () {
      als.run('elsewhere', () => setTimeout(() => flag.set(), 1))
      yield* flag.wait()
      seen = als.getStore()
    })
    expect(seen).toBeUndefined()
  })

  it('async_hooks see each task as a curio.Task resource triggered by its spawn site, entered at every step', async () => {
    const inits = new Map<number, number>() // task async id -> trigger async id
    const hook = createHook({
      init(asyncId, type, triggerAsyncId) {
        if (type === 'curio.Task') inits.set(asyncId, triggerAsyncId)
      },
    })
    const seen: { spawnSite: number; parent: number; child: number[] } = {
      spawnSite: 0,
      parent: 0,
      child: [],
    }
    hook.enable()
    try {
      await run(function* () {
        seen.parent = executionAsyncId()
        const child = yield* spawn(function* () {
          seen.child.push(executionAsyncId())
          yield* sleep(1)
          seen.child.push(executionAsyncId())
        })
        seen.spawnSite = executionAsyncId()
        yield* child.join()
      })
    } finally {
      hook.disable()
    }
    const childId = seen.child[0]!
    expect(seen.child).toEqual([childId, childId])
    expect(inits.has(childId)).toBe(true)
    expect(inits.get(childId)).toBe(seen.spawnSite) // spawned inside main's step
    expect(seen.spawnSite).toBe(seen.parent)
    expect(inits.has(seen.parent)).toBe(true)
  })
})
