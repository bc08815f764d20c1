import { run, spawn, type Task } from '@curio/kernel'
import { WorkerCrashed, type WorkerPool } from '@curio/workers'
import { describe, expect, it } from 'vitest'
import { kinds, testPool } from './helpers.js'

function* crash(pool: WorkerPool, fn: () => unknown) {
  try {
    yield* pool.run(fn)
  } catch (error) {
    return error as WorkerCrashed
  }
  throw new Error('the call did not fail')
}

describe.each(kinds)('%s pool: a crashing worker fails only its own call', (kind) => {
  const pool = testPool(kind, { size: 2 })

  it('an exception outside any call fails the call with WorkerCrashed and its cause', async () => {
    const error = await run(
      crash(pool, () => {
        setTimeout(() => {
          throw new RangeError('thrown from a timer')
        })
        return new Promise(() => {})
      }),
    )
    expect(error).toBeInstanceOf(WorkerCrashed)
    expect(error.exitCode).toBe(1)
    expect(error.signal).toBeNull()
    expect(error.cause).toBeInstanceOf(Error)
    expect((error.cause as Error).message).toBe('thrown from a timer')
    expect(error.message).toMatch(/thrown from a timer/)
  })

  it('process.exit fails the call with its exit code', async () => {
    const error = await run(crash(pool, () => process.exit(3)))
    expect(error).toBeInstanceOf(WorkerCrashed)
    expect(error.exitCode).toBe(3)
  })

  it('other calls go on, and the pool replaces the worker', async () => {
    const out = await run(function* () {
      // Both workers busy: one is about to crash, the other answers later.
      const slow = yield* spawn(
        pool.run(() => new Promise((resolve) => setTimeout(() => resolve('slow done'), 100))),
      )
      const crashed = yield* crash(pool, () => process.exit(5))
      const slowResult = yield* slow.join()
      // The pool is at size again: two calls that overlap run on two distinct, live workers.
      const pair: Task<number>[] = []
      for (let i = 0; i < 2; i++) {
        const overlapping = () =>
          new Promise<number>((resolve) => {
            const { threadId } = require('node:worker_threads')
            setTimeout(() => resolve(threadId === 0 ? process.pid : threadId), 100)
          })
        pair.push(yield* spawn(pool.run(overlapping)))
      }
      const ids: number[] = []
      for (const t of pair) ids.push(yield* t.join())
      return { crashed, slowResult, ids }
    })
    expect(out.crashed).toBeInstanceOf(WorkerCrashed)
    expect(out.slowResult).toBe('slow done')
    expect(new Set(out.ids).size).toBe(2)
  })
})

describe('signals and memory', () => {
  it('a process worker killed by a signal fails its call with that signal', async () => {
    const pool = testPool('process')
    const error = await run(crash(pool, () => process.kill(process.pid, 'SIGKILL')))
    expect(error).toBeInstanceOf(WorkerCrashed)
    expect(error.signal).toBe('SIGKILL')
    expect(error.exitCode).toBeNull()
    expect(await run(pool.run(() => 'still serving'))).toBe('still serving')
  })

  it('a thread that runs out of its resourceLimits fails only its call', async () => {
    const pool = testPool('thread', {
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    })
    const error = await run(
      crash(pool, () => {
        const hoard: unknown[] = []
        for (;;) hoard.push(new Array(10_000).fill({ x: 1 }))
      }),
    )
    expect(error).toBeInstanceOf(WorkerCrashed)
    expect((error.cause as any)?.code).toBe('ERR_WORKER_OUT_OF_MEMORY')
    expect(await run(pool.run(() => 'still serving'))).toBe('still serving')
  })
})
