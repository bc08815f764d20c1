import { sleep, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { Event, Result } from '../src/index.js'
import { catching, settle, vrun } from './helpers.js'

describe('Event', () => {
  it('set wakes every waiter in FIFO order; wait returns at once while set', async () => {
    const log: string[] = []
    await vrun(function* () {
      const ev = new Event()
      for (const name of ['a', 'b', 'c']) {
        yield* spawn(function* () {
          yield* ev.wait()
          log.push(name)
        })
      }
      yield* settle()
      expect(log).toEqual([])
      ev.set()
      expect(ev.isSet()).toBe(true)
      yield* settle()
      yield* ev.wait()
      log.push('main')
    })
    expect(log).toEqual(['a', 'b', 'c', 'main'])
  })

  it('a task woken by set still returns if the event is cleared before it runs', async () => {
    await vrun(function* () {
      const ev = new Event()
      const t = yield* spawn(ev.wait())
      yield* settle()
      ev.set()
      ev.clear()
      yield* t.join()
      expect(ev.isSet()).toBe(false)
      expect(yield* catching(timeoutAfter(5, ev.wait()))).toBeInstanceOf(TaskTimeout)
    })
  })
})

describe('Result', () => {
  it('unwrap waits for setValue and gives every waiter the value', async () => {
    await vrun(function* () {
      const r = new Result<number>()
      const waiters = [yield* spawn(r.unwrap()), yield* spawn(r.unwrap())]
      yield* sleep(5)
      expect(r.isSet()).toBe(false)
      r.setValue(42)
      for (const w of waiters) expect(yield* w.join()).toBe(42)
      expect(yield* r.unwrap()).toBe(42)
    })
  })

  it('unwrap throws the exception given to setException', async () => {
    await vrun(function* () {
      const r = new Result<number>()
      const boom = new Error('boom')
      yield* spawn(function* () {
        yield* sleep(1)
        r.setException(boom)
      })
      expect(yield* catching(r.unwrap())).toBe(boom)
    })
  })

  it('a second setValue or setException throws and changes nothing', () => {
    const r = new Result<number>()
    r.setValue(1)
    expect(() => r.setValue(2)).toThrow(/already set/)
    expect(() => r.setException(new Error('x'))).toThrow(/already set/)
    const s = new Result<number>()
    s.setException(new Error('x'))
    expect(() => s.setValue(1)).toThrow(/already set/)
  })
})
