import { describe, expect, it } from 'vitest'
import { Local, type Operation, sleep, spawn } from '../src/index.js'
import { vrun } from './helpers.js'

describe('Local', () => {
  it('get returns the initial value until set', async () => {
    const local = new Local('initial')
    await vrun(function* () {
      expect(local.get()).toBe('initial')
      local.set('mine')
      expect(local.get()).toBe('mine')
    })
  })

  it('values are per task: a sibling does not see another task set', async () => {
    const local = new Local(0)
    const seen = await vrun(function* () {
      const a = yield* spawn(function* () {
        local.set(1)
        yield* sleep(10)
        return local.get()
      })
      const b = yield* spawn(function* () {
        yield* sleep(5)
        const before = local.get()
        local.set(2)
        yield* sleep(10)
        return [before, local.get()]
      })
      return [yield* a.join(), yield* b.join(), local.get()]
    })
    expect(seen).toEqual([1, [0, 2], 0])
  })

  it('a spawned task starts with a copy of its parent values; later changes do not cross', async () => {
    const local = new Local('root')
    const seen = await vrun(function* () {
      local.set('parent')
      const child = yield* spawn(function* () {
        const first = local.get()
        yield* sleep(10)
        const afterParentChanged = local.get()
        local.set('child')
        return [first, afterParentChanged]
      })
      yield* sleep(5)
      local.set('parent changed')
      const out = yield* child.join()
      return [...out, local.get()]
    })
    expect(seen).toEqual(['parent', 'parent', 'parent changed'])
  })

  it('with(v, op) sets the value for op and restores it, even when op throws', async () => {
    const local = new Local('outer')
    await vrun(function* () {
      const inside = yield* local.with('inner', function* (): Operation<string> {
        yield* sleep(1)
        return local.get()
      })
      expect(inside).toBe('inner')
      expect(local.get()).toBe('outer')
      try {
        yield* local.with('failing', function* () {
          yield* sleep(1)
          throw new Error('x')
        })
      } catch {}
      expect(local.get()).toBe('outer')
    })
  })

  it('tasks spawned inside with() inherit the value set by with()', async () => {
    const local = new Local('none')
    const seen = await vrun(function* () {
      return yield* local.with('scoped', function* () {
        const t = yield* spawn(function* () {
          yield* sleep(1)
          return local.get()
        })
        return yield* t.join()
      })
    })
    expect(seen).toBe('scoped')
  })

  it('outside any task, get and set use a shared default', () => {
    const local = new Local(1)
    expect(local.get()).toBe(1)
    local.set(2)
    expect(local.get()).toBe(2)
  })
})
