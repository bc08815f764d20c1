import { describe, expect, it } from 'vitest'
import { getCurrentTask, type Operation, run, sleep, spawn, WaitQueue } from '../src/index.js'
import { vrun } from './helpers.js'

function* sleeper(): Operation<void> {
  yield* sleep(100) // where() points here
}

describe('task.where()', () => {
  it('with debug capture, names the file:line of the innermost user frame', async () => {
    await vrun(
      function* () {
        const t = yield* spawn(sleeper)
        yield* sleep(1)
        const where = t.where()
        expect(where).toMatch(/where\.test\.ts:6$/)
        expect(t.traceback()[0]).toBe(where)
        yield* t.cancel()
      },
      { debug: true },
    )
  })

  it('without debug capture, describes the trap it waits on', async () => {
    await vrun(function* () {
      const q = new WaitQueue()
      const a = yield* spawn(sleeper)
      const b = yield* spawn(() => q.suspend('MY_STATE'))
      const c = yield* spawn(() => a.join())
      yield* sleep(1)
      expect(a.where()).toBe('sleep(100)')
      expect(b.where()).toMatch(/MY_STATE/)
      expect(c.where()).toMatch(new RegExp(`join\\(task ${a.id}`))
      expect(a.traceback()).toEqual([])
      yield* c.cancel()
      yield* a.cancel()
      yield* b.cancel()
      expect(a.where()).toBeUndefined()
    })
  })

  it('a ready task reports its state', async () => {
    await vrun(function* () {
      const t = yield* spawn(sleeper)
      expect(t.where()).toBe('READY')
      yield* t.cancel()
    })
  })
})

describe('getCurrentTask outside tasks', () => {
  it('is undefined in timer and promise callbacks while a kernel runs', async () => {
    const seen: unknown[] = []
    await run(function* () {
      setTimeout(() => seen.push(getCurrentTask()), 1)
      void Promise.resolve().then(() => seen.push(getCurrentTask()))
      yield* sleep(10)
    })
    expect(seen).toEqual([undefined, undefined])
  })
})
