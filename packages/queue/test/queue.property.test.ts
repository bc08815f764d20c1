// Property: whatever producers, consumers, timeouts and cancellations do to a bounded queue,
// every item whose put returned is got exactly once or is still in the queue, and no item
// whose put was abandoned (cancelled or timed out while blocked) ever shows up.
import { ignoreAfter, type Operation, run, sleep, spawn, type Task } from '@curio/kernel'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Queue } from '../src/index.js'

/** Sleep `delay`, then put or get, giving up after `patience` ms (undefined: as long as it takes). */
const step = fc.record({
  delay: fc.integer({ min: 0, max: 3 }),
  patience: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
})

const scenario = fc.record({
  maxsize: fc.integer({ min: 1, max: 4 }),
  producers: fc.array(fc.array(step, { maxLength: 8 }), { minLength: 1, maxLength: 3 }),
  consumers: fc.array(fc.array(step, { maxLength: 10 }), { minLength: 1, maxLength: 3 }),
  cancels: fc.array(fc.record({ at: fc.integer({ min: 0, max: 25 }), target: fc.nat() }), { maxLength: 4 }),
})

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never

async function play(
  s: Scenario,
): Promise<{ put: number[]; got: number[]; left: number[]; crashes: unknown[] }> {
  const crashes: unknown[] = []
  const put: number[] = []
  const got: number[] = []
  const left: number[] = []
  let next = 1
  await run(
    function* () {
      const q = new Queue<number>(s.maxsize)
      const tasks: Task<unknown>[] = []
      for (const steps of s.producers) {
        const items = steps.map(() => next++)
        tasks.push(
          yield* spawn(function* (): Operation<void> {
            for (const [i, { delay, patience }] of steps.entries()) {
              yield* sleep(delay)
              const item = items[i]!
              const done = yield* attempt(patience, function* () {
                yield* q.put(item)
                return true
              })
              if (done) put.push(item)
            }
          }),
        )
      }
      for (const steps of s.consumers) {
        tasks.push(
          yield* spawn(function* (): Operation<void> {
            for (const { delay, patience } of steps) {
              yield* sleep(delay)
              const item = yield* attempt(patience, q.get())
              if (item !== undefined) got.push(item)
            }
          }),
        )
      }
      for (const { at, target } of s.cancels) {
        yield* spawn(function* () {
          yield* sleep(at)
          yield* tasks[target % tasks.length]!.cancel({ blocking: false })
        })
      }
      yield* sleep(100)
      for (const t of tasks) yield* t.cancel()
      while (!q.empty()) left.push(q.getNowait())
    },
    { clock: 'virtual', reportCrash: (report) => crashes.push(report.error) },
  )
  return { put, got, left, crashes }
}

function attempt<T>(
  patience: number | undefined,
  op: Operation<T> | (() => Operation<T>),
): Operation<T | undefined> {
  return patience === undefined ? wrap(op) : ignoreAfter(patience, op)
}

function* wrap<T>(op: Operation<T> | (() => Operation<T>)): Operation<T> {
  return yield* typeof op === 'function' ? op() : op
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)

describe('Queue (property)', () => {
  it('every item put is got exactly once or is still queued; abandoned puts leave nothing', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { put, got, left, crashes } = await play(s)
        expect(crashes).toEqual([])
        expect(new Set(got).size).toBe(got.length)
        expect(sorted([...got, ...left])).toEqual(sorted(put))
      }),
      { numRuns: 300 },
    )
  })
})
