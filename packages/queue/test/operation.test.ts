import { spawn } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { Queue } from '../src/index.js'
import { catching, vrun } from './helpers.js'

describe('queue operations behave like any operation', () => {
  it('calling get() or put() without yield* does nothing', async () => {
    await vrun(function* () {
      const q = new Queue<number>(1)
      q.putNowait(1)
      q.get()
      q.put(2)
      expect(q.size).toBe(1)
      expect(q.getNowait()).toBe(1)
    })
  })

  it('an operation runs once; running it again is a TypeError', async () => {
    await vrun(function* () {
      const q = new Queue<number>()
      q.putNowait(1)
      q.putNowait(2)
      const get = q.get()
      expect(yield* get).toBe(1)
      expect(yield* catching(get)).toBeInstanceOf(TypeError)
      expect(q.size).toBe(1)
    })
  })

  it('yield without the star is reported as the mistake it is', async () => {
    await vrun(function* () {
      const q = new Queue<number>()
      const e = yield* catching(
        (function* () {
          yield q.get() as never
        })(),
      )
      expect(String(e)).toMatch(/yield\*/)
    })
  })

  it('a get or put can be spawned as a task of its own', async () => {
    await vrun(function* () {
      const q = new Queue<number>()
      const getter = yield* spawn(q.get())
      yield* spawn(q.put(7))
      expect(yield* getter.join()).toBe(7)
    })
  })
})
