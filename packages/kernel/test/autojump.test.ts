import { describe, expect, it } from 'vitest'
import {
  awaitPromise,
  clock,
  ignoreAfter,
  Kernel,
  run,
  sleep,
  spawn,
  TaskTimeout,
  timeoutAfter,
} from '../src/index.js'
import { rejection } from './helpers.js'

/** A promise nobody will ever settle: an external wait that holds the virtual clock. */
const never = () => new Promise<never>(() => {})

describe('virtual clock autojump', () => {
  it('jumps to the next deadline after autojump ms of idleness with an external wait pending', async () => {
    const t0 = performance.now()
    const error = await rejection(
      run(
        function* () {
          const start = yield* clock()
          try {
            yield* timeoutAfter(60_000, awaitPromise(never()))
          } catch (e) {
            expect(yield* clock()).toBe(start + 60_000)
            throw e
          }
        },
        { clock: 'virtual', autojump: 20 },
      ),
    )
    expect(error).toBeInstanceOf(TaskTimeout)
    const took = performance.now() - t0
    expect(took).toBeGreaterThanOrEqual(19)
    expect(took).toBeLessThan(5_000)
  })

  it('without autojump, time stands still while an external wait is pending', async () => {
    const answered = new Promise<string>((resolve) => setTimeout(() => resolve('answered'), 50))
    const out = await run(() => timeoutAfter(10, awaitPromise(answered)), { clock: 'virtual' })
    expect(out).toBe('answered') // 50 ms of real time, and the 10 ms virtual deadline never passed
  })

  it('an answer that comes before the threshold wins; the jump happens only after real silence', async () => {
    const answered = new Promise<string>((resolve) => setTimeout(() => resolve('answered'), 10))
    const out = await run(() => timeoutAfter(10, awaitPromise(answered)), { clock: 'virtual', autojump: 500 })
    expect(out).toBe('answered')
  })

  it('busy tasks restart the count: steady activity under the threshold never jumps', async () => {
    const seen = await run(
      function* () {
        const ticker = yield* spawn(function* () {
          // An external wait answered every 5 ms of real time: never 250 ms of silence.
          for (let i = 0; i < 12; i++) yield* awaitPromise(new Promise((r) => setTimeout(r, 5)))
        })
        const start = yield* clock()
        yield* timeoutAfter(1_000, ticker.join())
        return (yield* clock()) - start
      },
      { clock: 'virtual', autojump: 250 },
    )
    expect(seen).toBe(0)
  })

  it('leaves no timer behind once the run ends, jumped or not', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const before = timers()
    const kernel = new Kernel({ clock: 'virtual', autojump: 1 })
    const out = await kernel.run(function* () {
      yield* spawn(function* () {
        yield* sleep(Number.POSITIVE_INFINITY)
      })
      yield* ignoreAfter(5, awaitPromise(never()))
      return yield* timeoutAfter(5, awaitPromise(Promise.resolve('quick')))
    })
    await kernel.close()
    expect(out).toBe('quick')
    expect(timers()).toBe(before)
  })

  it('rejects a bad autojump, and autojump without the virtual clock', () => {
    expect(() => new Kernel({ clock: 'virtual', autojump: -1 })).toThrow(/autojump must be a number/)
    expect(() => new Kernel({ clock: 'virtual', autojump: Number.NaN })).toThrow(/autojump must be a number/)
    expect(() => new Kernel({ clock: 'virtual', autojump: '5' as never })).toThrow(
      /autojump must be a number/,
    )
    expect(() => new Kernel({ autojump: 10 })).toThrow(/only to the virtual clock/)
    expect(() => new Kernel({ autojump: Number.POSITIVE_INFINITY })).not.toThrow()
  })
})
