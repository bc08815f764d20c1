/**
 * Every blocking trap's teardown undoes its registration. Checked through what a stale
 * registration would do: wake the task later, while it waits for something else.
 */
import { describe, expect, it } from 'vitest'
import {
  awaitPromise,
  CancelledError,
  clock,
  type Operation,
  run,
  sleep,
  spawn,
  TaskCancelled,
  timeoutAfter,
  WaitQueue,
} from '../src/index.js'
import { vrun } from './helpers.js'

/** Interrupt `op` with a cancellation, then park on a fresh queue and report how the park ended. */
function* interruptedThenParked(op: () => Operation<unknown>, release: WaitQueue): Operation<string> {
  try {
    yield* op()
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e
  }
  yield* release.suspend('PARKED')
  return `released at ${yield* clock()}`
}

describe('teardown of interrupted waits', () => {
  it('sleep: the timer of a cancelled sleep never wakes the task later', async () => {
    const out = await vrun(function* () {
      const release = new WaitQueue()
      const t = yield* spawn(() => interruptedThenParked(() => sleep(100), release))
      yield* sleep(10)
      yield* t.cancel({ blocking: false })
      yield* sleep(200) // a stale timer would end the park at 100
      expect(t.state).toBe('PARKED')
      release.wake()
      return yield* t.join()
    })
    expect(out).toBe('released at 210')
  })

  it('sleep: a cancelled sleep leaves no timer to jump to (the virtual clock does not move for it)', async () => {
    const out = await vrun(function* () {
      const t = yield* spawn(() => sleep(5000))
      yield* sleep(1)
      yield* t.cancel()
      return yield* clock()
    })
    expect(out).toBe(1)
  })

  it('join: a cancelled joiner is not woken when the target ends later', async () => {
    const out = await vrun(function* () {
      const target = yield* spawn(() => sleep(100))
      const release = new WaitQueue()
      const joiner = yield* spawn(() => interruptedThenParked(() => target.join(), release))
      yield* sleep(10)
      yield* joiner.cancel({ blocking: false })
      yield* target.join()
      yield* sleep(1)
      expect(joiner.state).toBe('PARKED')
      release.wake()
      return yield* joiner.join()
    })
    expect(out).toBe('released at 101')
  })

  it('blocking cancel: a task cancelled while waiting for another to die leaves the target alone', async () => {
    await vrun(function* () {
      const stubborn = yield* spawn(function* () {
        try {
          yield* sleep(1000)
        } finally {
          yield* sleep(100)
        }
      })
      const release = new WaitQueue()
      const canceller = yield* spawn(() => interruptedThenParked(() => stubborn.cancel(), release))
      yield* sleep(10)
      expect(canceller.state).toBe('TASK_CANCEL')
      yield* canceller.cancel({ blocking: false })
      yield* stubborn.wait()
      yield* sleep(1)
      expect(canceller.state).toBe('PARKED')
      release.wake()
      yield* canceller.join()
      expect(stubborn.exception).toBeInstanceOf(TaskCancelled)
    })
  })

  it('wait queue: a cancelled waiter is unlinked and is not woken by a later wake', async () => {
    await vrun(function* () {
      const q = new WaitQueue()
      const release = new WaitQueue()
      const t = yield* spawn(() => interruptedThenParked(() => q.suspend(), release))
      const other = yield* spawn(() => q.suspend())
      yield* sleep(1)
      expect(q.length).toBe(2)
      yield* t.cancel({ blocking: false })
      expect(q.length).toBe(1)
      expect(q.wake()).toBe(1)
      yield* other.join()
      yield* sleep(1)
      expect(t.state).toBe('PARKED')
      release.wake()
      yield* t.join()
    })
  })

  it('promise: a cancelled wait ignores the later settlement and reports no unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (r: unknown) => unhandled.push(r)
    process.on('unhandledRejection', onUnhandled)
    try {
      const out = await run(function* () {
        let resolve: (v: string) => void = () => {}
        let reject: (e: Error) => void = () => {}
        const ok = new Promise<string>((r) => {
          resolve = r
        })
        const bad = new Promise<string>((_, r) => {
          reject = r
        })
        const release = new WaitQueue({ external: true })
        const a = yield* spawn(() => interruptedThenParked(() => awaitPromise(ok), release))
        const b = yield* spawn(() => interruptedThenParked(() => awaitPromise(bad), release))
        yield* sleep(0)
        yield* a.cancel({ blocking: false })
        yield* b.cancel({ blocking: false })
        yield* sleep(0)
        resolve('stale')
        reject(new Error('stale'))
        yield* awaitPromise(new Promise((r) => setTimeout(r, 10)))
        const states = [a.state, b.state]
        release.wakeAll()
        yield* a.join()
        yield* b.join()
        return states
      })
      expect(out).toEqual(['PARKED', 'PARKED'])
      await new Promise((r) => setTimeout(r, 5))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('timeout: the deadline of a block that was left early never interrupts a later wait', async () => {
    const out = await vrun(function* () {
      const release = new WaitQueue()
      const parked = yield* spawn(function* () {
        yield* timeoutAfter(50, sleep(10))
        yield* release.suspend('PARKED')
        return yield* clock()
      })
      yield* sleep(100)
      expect(parked.state).toBe('PARKED')
      release.wake()
      return yield* parked.join()
    })
    expect(out).toBe(100)
  })
})
