import { run, spawn } from '@curio/kernel'
import { workerFunction } from '@curio/workers'
import { describe, expect, it } from 'vitest'
import { kinds, testPool } from './helpers.js'

const math = new URL('./fixtures/math.mjs', import.meta.url)
const outer = 10
/** Only in workers: the helper esbuild's keepNames calls. */
declare const __name: (target: unknown, name: string) => void

describe.each(kinds)('%s pool: what can be sent', (kind) => {
  const pool = testPool(kind)

  it('says that functions are sent by source when one uses an outer variable', async () => {
    const error = await run(function* () {
      return yield* pool.run(() => outer * 2)
    }).catch((e) => e)
    expect(error).toBeInstanceOf(ReferenceError)
    expect(error.message).toMatch(/outer is not defined/)
    expect(error.message).toMatch(/sent by source/)
    expect(error.stack.split('sent by source')).toHaveLength(2)
  })

  it("provides esbuild's __name helper, which tsx (keepNames) puts inside function bodies", async () => {
    const renamed = await run(function* () {
      return yield* pool.run(() => {
        const f = () => 1
        __name(f, 'renamed')
        return f.name
      })
    })
    expect(renamed).toBe('renamed')
  })

  it('runs a method written in shorthand, and gives sourced functions require()', async () => {
    const tools = {
      join(...parts: string[]) {
        return require('node:path').posix.join(...parts)
      },
    }
    const out = await run(function* () {
      return yield* pool.run(tools.join, 'a', 'b')
    })
    expect(out).toBe('a/b')
  })

  it('runs an exported function named by workerFunction, keeping module state per worker', async () => {
    const out = await run(function* () {
      const fib = yield* pool.run(workerFunction<(n: number) => number>(math, 'fib'), 20)
      const counted = workerFunction<() => { count: number }>(math, 'countCalls')
      const first = yield* pool.run(counted)
      const second = yield* pool.run(counted)
      return [fib, second.count - first.count]
    })
    expect(out).toEqual([6765, 1])
  })

  it('fails the call when the module has no such exported function', async () => {
    const error: any = await run(function* () {
      return yield* pool.run(workerFunction(math, 'notAFunction'))
    }).catch((e: any) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/no exported function "notAFunction"/)
  })

  it('rejects native, bound and generator functions at the call, with TypeError', () => {
    function add(a: number, b: number) {
      return a + b
    }
    const refused = [Math.max, add.bind(null, 1), function* gen() {}, async function* agen() {}, class K {}]
    for (const fn of refused) expect(() => pool.run(fn as any)).toThrow(TypeError)
    expect(() => pool.run(Math.max)).toThrow(/native function \(max\).*sent by source/)
    expect(() => pool.run(add.bind(null, 1), 2)).toThrow(/bound function/)
    expect(() => pool.run(function* gen() {} as any)).toThrow(/generator function \(gen\)/)
  })

  it('rejects arguments that cannot be cloned before anything is sent', async () => {
    const out = await run(function* () {
      const ran = yield* pool.run(() => ((globalThis as any).ran ??= 0))
      let error: any
      try {
        yield* pool.run(
          (_a: number, _f: unknown) => ((globalThis as any).ran += 1),
          1,
          () => 'not clonable',
        )
      } catch (e) {
        error = e
      }
      const after = yield* pool.run(() => (globalThis as any).ran)
      return { error, ran, after }
    })
    expect(out.error).toBeInstanceOf(TypeError)
    expect(out.error.message).toMatch(
      /argument 2 \(a function \(anonymous\)\) cannot be sent to a worker.*structured clone/,
    )
    expect(out.after).toBe(out.ran)
  })

  it('rejects unclonable arguments at the call also when the call would wait for a worker', async () => {
    const out = await run(function* () {
      const task = yield* spawn(pool.run(() => new Promise((resolve) => setTimeout(resolve, 50))))
      let error: any
      try {
        yield* pool.run((_s: symbol) => 1, Symbol('x'))
      } catch (e) {
        error = e
      }
      yield* task.join()
      return error
    })
    expect(out).toBeInstanceOf(TypeError)
    expect(out.message).toMatch(/argument 1 \(symbol\)/)
  })
})

it('workerFunction needs an absolute URL or path', () => {
  expect(() => workerFunction('./relative.js', 'f')).toThrow(/absolute module URL or path/)
  expect(workerFunction('/abs/mod.js', 'f').moduleUrl).toBe('file:///abs/mod.js')
  expect(() => workerFunction(math, '')).toThrow(TypeError)
})
