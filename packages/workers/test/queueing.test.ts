import { awaitPromise, ignoreAfter, run, sleep, spawn, type Task } from '@curio/kernel'
import { PoolClosed, WorkerPool } from '@curio/workers'
import { describe, expect, it } from 'vitest'
import { kinds, testPool } from './helpers.js'

/** Runs in a worker: tracks in shared memory how many calls run at once, then returns its tag. */
function tracked(shared: SharedArrayBuffer, tag: number): number {
  const state = new Int32Array(shared)
  const now = Atomics.add(state, 0, 1) + 1
  Atomics.store(state, 1, Math.max(Atomics.load(state, 1), now))
  const until = Date.now() + 20
  while (Date.now() < until);
  Atomics.sub(state, 0, 1)
  Atomics.store(state, 3 + Atomics.add(state, 2, 1), tag)
  return tag
}

function* callAll(pool: WorkerPool, shared: SharedArrayBuffer, count: number) {
  const tasks: Task<number>[] = []
  for (let tag = 1; tag <= count; tag++) tasks.push(yield* spawn(pool.run(tracked, shared, tag)))
  const out: number[] = []
  for (const t of tasks) out.push(yield* t.join())
  return out
}

describe('more calls than workers', () => {
  const pair = testPool('thread', { size: 2 })
  const single = testPool('thread', { size: 1 })

  it('run at most size at once, each to completion', async () => {
    const shared = new SharedArrayBuffer(4 * 12)
    // Both workers started first, so they overlap however slow thread start-up is today.
    await run(callAll(pair, new SharedArrayBuffer(4 * 12), 2))
    const results = await run(callAll(pair, shared, 8))
    const state = new Int32Array(shared)
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(state[1]).toBe(2)
    expect(state[2]).toBe(8)
  })

  it('wait their turn fairly: first called, first served', async () => {
    const shared = new SharedArrayBuffer(4 * 12)
    await run(callAll(single, shared, 6))
    expect([...new Int32Array(shared).slice(3, 9)]).toEqual([1, 2, 3, 4, 5, 6])
  })
})

describe.each(kinds)('%s pool: worker waits are external waits', (kind) => {
  const pool = testPool(kind)

  it('hold the virtual clock: a timeout does not expire while the worker computes', async () => {
    const out = await run(
      function* () {
        // 50 virtual ms would pass at once if the wait did not hold the clock.
        return yield* ignoreAfter(
          50,
          pool.run(() => {
            const until = Date.now() + 100
            while (Date.now() < until);
            return 'computed'
          }),
          { timeoutResult: 'timed out' },
        )
      },
      { clock: 'virtual' },
    )
    expect(out).toBe('computed')
  })
})

describe('close()', () => {
  it('fails waiting calls with PoolClosed, refuses new ones, and settles once every worker is gone', async () => {
    const pool = new WorkerPool({ kind: 'thread', size: 1 })
    const out = await run(function* () {
      const running = yield* spawn(
        pool.run(() => new Promise((resolve) => setTimeout(resolve, 50, 'finished'))),
      )
      const waiting = yield* spawn(pool.run(() => 'never runs'))
      yield* sleep(5)
      const closed = pool.close()
      const waitingError = yield* catchJoin(waiting)
      const runningResult = yield* running.join()
      yield* awaitPromise(closed)
      return { waitingError, runningResult }
    })
    expect((out.waitingError as any).cause).toBeInstanceOf(PoolClosed)
    expect(out.runningResult).toBe('finished')
    expect(() => pool.run(() => 1)).toThrow(PoolClosed)
  })
})

function* catchJoin(task: Task<unknown>) {
  try {
    yield* task.join()
  } catch (error) {
    return error
  }
  return undefined
}
