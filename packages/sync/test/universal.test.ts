import { awaitPromise, clock, Kernel, run, sleep, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { UniversalEvent, UniversalResult } from '../src/index.js'
import { catching, settle, vrun } from './helpers.js'

describe('UniversalEvent', () => {
  it('set from a timer wakes a task; the wait holds the virtual clock (time does not jump past it)', async () => {
    await vrun(function* () {
      const ev = new UniversalEvent()
      yield* spawn(sleep(10_000), { daemon: true })
      setTimeout(() => ev.set(), 5)
      yield* ev.wait()
      expect(yield* clock()).toBeLessThan(10_000)
    })
  })

  it('set wakes task waiters and promise waiters alike', async () => {
    const log: string[] = []
    await vrun(function* () {
      const ev = new UniversalEvent()
      const tasks = []
      for (const name of ['task 1', 'task 2']) {
        tasks.push(
          yield* spawn(function* () {
            yield* ev.wait()
            log.push(name)
          }),
        )
      }
      yield* settle()
      const promise = ev.waitAsync().then(() => log.push('promise'))
      ev.set()
      for (const t of tasks) yield* t.join()
      yield* awaitPromise(promise)
    })
    expect(log.sort()).toEqual(['promise', 'task 1', 'task 2'])
  })

  it('set from an async function wakes a task; waitAsync resolves when a task sets it', async () => {
    const ev = new UniversalEvent()
    const back = new UniversalEvent()
    const waiter = (async () => {
      await ev.waitAsync()
      back.set()
    })()
    await run(function* () {
      yield* sleep(1)
      ev.set()
      yield* back.wait()
    })
    await waiter
    expect(ev.isSet() && back.isSet()).toBe(true)
  })

  it('a task in one kernel wakes a task waiting in another', async () => {
    const ev = new UniversalEvent()
    const other = new Kernel()
    const waiting = other.run(function* () {
      yield* ev.wait()
      return 'woken'
    })
    await run(function* () {
      yield* sleep(1)
      ev.set()
    })
    expect(await waiting).toBe('woken')
  })

  it('waitAsync with an aborted signal rejects and leaves the FIFO', async () => {
    const ev = new UniversalEvent()
    const controller = new AbortController()
    const p = ev.waitAsync({ signal: controller.signal })
    controller.abort(new Error('stop'))
    await expect(p).rejects.toThrow('stop')
    ev.set()
    await ev.waitAsync()
  })

  it('a task wait can time out (real clock: a virtual one stands still during an external wait)', async () => {
    await run(function* () {
      const ev = new UniversalEvent()
      expect(yield* catching(timeoutAfter(5, ev.wait()))).toBeInstanceOf(TaskTimeout)
    })
  })
})

describe('UniversalResult', () => {
  it('setValue from a callback reaches a task and promise code', async () => {
    const r = new UniversalResult<string>()
    const fromPromise = r.unwrapAsync()
    const got = await vrun(function* () {
      setTimeout(() => r.setValue('hello'), 1)
      return yield* r.unwrap()
    })
    expect(got).toBe('hello')
    expect(await fromPromise).toBe('hello')
    expect(() => r.setValue('again')).toThrow(/already set/)
  })

  it('setException from a task rejects promise waiters and throws in task waiters', async () => {
    const r = new UniversalResult<number>()
    const boom = new Error('boom')
    const fromPromise = r.unwrapAsync()
    await vrun(function* () {
      const t = yield* spawn(r.unwrap())
      yield* settle()
      r.setException(boom)
      yield* t.wait()
      expect(t.exception).toBe(boom)
    })
    await expect(fromPromise).rejects.toBe(boom)
    expect(() => r.setException(boom)).toThrow(/already set/)
  })
})
