import { describe, expect, it } from 'vitest'
import {
  currentTask,
  getCurrentTask,
  Kernel,
  type Operation,
  run,
  sleep,
  spawn,
  WaitQueue,
} from '../src/index.js'

describe('several kernels in one process', () => {
  it('run side by side, each with its own tasks and current task', async () => {
    const seen: string[] = []
    const worker = (label: string) =>
      function* (): Operation<string> {
        const me = yield* currentTask()
        for (let i = 0; i < 3; i++) {
          expect(getCurrentTask()).toBe(me)
          seen.push(`${label}${i}`)
          yield* sleep(1)
        }
        return label
      }
    const [a, b] = await Promise.all([run(worker('a')), run(worker('b'))])
    expect([a, b]).toEqual(['a', 'b'])
    expect(seen.filter((s) => s.startsWith('a'))).toEqual(['a0', 'a1', 'a2'])
    expect(seen.filter((s) => s.startsWith('b'))).toEqual(['b0', 'b1', 'b2'])
    // Interleaved, not one after the other.
    expect(seen.indexOf('b0')).toBeLessThan(seen.indexOf('a2'))
  })

  it('a task of one kernel can wake a task waiting in another through a WaitQueue', async () => {
    const q = new WaitQueue({ external: true })
    const waiting = run(function* () {
      yield* q.suspend('CROSS_KERNEL')
      return 'woken from the other kernel'
    })
    const waker = run(function* () {
      while (q.length === 0) yield* sleep(1)
      expect(q.wake()).toBe(1)
    })
    expect(await waiting).toBe('woken from the other kernel')
    await waker
  })

  it('a task of one kernel can join a task of another', async () => {
    const k1 = new Kernel()
    let t: import('../src/index.js').Task<number> | undefined
    const first = k1.run(function* () {
      t = yield* spawn(function* () {
        yield* sleep(5)
        return 42
      })
      return yield* t.join()
    })
    const second = run(function* () {
      while (t === undefined) yield* sleep(1)
      return yield* t.join()
    })
    expect(await Promise.all([first, second])).toEqual([42, 42])
    await k1.close()
  })
})
