import { spawn } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { LifoQueue, PriorityQueue, QueueFull } from '../src/index.js'
import { settle, vrun } from './helpers.js'

describe('PriorityQueue', () => {
  it('hands out the smallest item first (natural order by default)', () => {
    const q = new PriorityQueue<number>()
    for (const n of [5, 1, 4, 2, 3, 0, 9]) q.putNowait(n)
    const out: number[] = []
    while (!q.empty()) out.push(q.getNowait())
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 9])
  })

  it('orders by the compare function; equal priorities stay FIFO', () => {
    const q = new PriorityQueue<{ pri: number; name: string }>(0, (a, b) => b.pri - a.pri)
    for (const [pri, name] of [
      [1, 'low'],
      [5, 'high-1'],
      [3, 'mid'],
      [5, 'high-2'],
      [5, 'high-3'],
    ] as const) {
      q.putNowait({ pri, name })
    }
    const out: string[] = []
    while (!q.empty()) out.push(q.getNowait().name)
    expect(out).toEqual(['high-1', 'high-2', 'high-3', 'mid', 'low'])
  })

  it('bounded: a blocked putter enters when the smallest is taken', async () => {
    await vrun(function* () {
      const q = new PriorityQueue<number>(2)
      q.putNowait(5)
      q.putNowait(7)
      expect(() => q.putNowait(1)).toThrow(QueueFull)
      const putter = yield* spawn(q.put(1))
      yield* settle()
      expect(yield* q.get()).toBe(5)
      yield* putter.join()
      expect([q.getNowait(), q.getNowait()]).toEqual([1, 7])
    })
  })

  it('rejects a compare that is not a function', () => {
    expect(() => new PriorityQueue(0, 'desc' as never)).toThrow(TypeError)
  })
})

describe('LifoQueue', () => {
  it('hands out the most recent item first', async () => {
    await vrun(function* () {
      const q = new LifoQueue<number>(3)
      for (const n of [1, 2, 3]) yield* q.put(n)
      expect(q.full()).toBe(true)
      expect([yield* q.get(), yield* q.get(), yield* q.get()]).toEqual([3, 2, 1])
    })
  })
})
