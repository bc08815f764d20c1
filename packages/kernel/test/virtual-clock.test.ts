import { describe, expect, it } from 'vitest'
import { clock, type Operation, run, schedule, sleep, spawn, wakeAt } from '../src/index.js'
import { vrun } from './helpers.js'

describe('virtual clock', () => {
  it('starts at 0 and jumps to the next deadline at once: a virtual day takes no real time', async () => {
    const started = performance.now()
    const out = await vrun(function* () {
      const t0 = yield* clock()
      const woke = yield* sleep(86_400_000)
      return [t0, woke, yield* clock()]
    })
    expect(out).toEqual([0, 86_400_000, 86_400_000])
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('deterministic: tasks wake in deadline order, equal deadlines in the order they were set', async () => {
    const order: string[] = []
    await vrun(function* () {
      for (const [name, ms] of [
        ['c', 30],
        ['a', 10],
        ['b1', 20],
        ['b2', 20],
      ] as const) {
        yield* spawn(function* () {
          const at = yield* sleep(ms)
          order.push(`${name}@${at}`)
        })
      }
      yield* sleep(100)
    })
    expect(order).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30'])
  })

  it('wakeAt blocks until an absolute clock value and returns the clock', async () => {
    await vrun(function* () {
      yield* sleep(5)
      expect(yield* wakeAt(42)).toBe(42)
      expect(yield* clock()).toBe(42)
      // A past deadline is a fair yield.
      expect(yield* wakeAt(1)).toBe(42)
    })
  })

  it('sleep with a negative or NaN time is treated as 0', async () => {
    await vrun(function* () {
      yield* sleep(10)
      expect(yield* sleep(-5)).toBe(10)
      expect(yield* sleep(Number.NaN)).toBe(10)
      expect(yield* clock()).toBe(10)
    })
  })

  it('fractional milliseconds are kept', async () => {
    await vrun(function* () {
      expect(yield* sleep(0.5)).toBe(0.5)
      expect(yield* sleep(1.25)).toBe(1.75)
    })
  })

  it('clock() does not switch tasks', async () => {
    const log: string[] = []
    await vrun(function* () {
      yield* spawn(function* () {
        log.push('other')
      })
      yield* clock()
      log.push('main after clock')
      yield* schedule()
    })
    expect(log).toEqual(['main after clock', 'other'])
  })

  it('time only moves when no task is ready', async () => {
    await vrun(function* () {
      const seen: number[] = []
      const spinner = yield* spawn(function* () {
        for (let i = 0; i < 100; i++) seen.push(yield* sleep(0))
      })
      yield* sleep(1)
      // The spinner was ready all along: time could not reach 1 before it had finished.
      expect(spinner.terminated).toBe(true)
      expect(new Set(seen)).toEqual(new Set([0]))
      expect(yield* clock()).toBe(1)
    })
  })
})

describe('real clock', () => {
  it('sleep blocks at least the given time and returns the clock', async () => {
    const out = await run(function* (): Operation<number[]> {
      const start = yield* clock()
      const woke = yield* sleep(20)
      return [start, woke]
    })
    expect(out[1]! - out[0]!).toBeGreaterThanOrEqual(20)
  })

  it('the real clock is performance.now()', async () => {
    const before = performance.now()
    const now = await run(() => clock())
    expect(now).toBeGreaterThanOrEqual(before)
    expect(now).toBeLessThanOrEqual(performance.now())
  })
})
