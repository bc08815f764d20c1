import type { Operation } from '@curio/kernel'
import { runInProcess, runInThread, WorkerPool, workerFunction } from '@curio/workers'
import { expectTypeOf, test } from 'vitest'

test('a call is an Operation of the awaited result, with arguments checked against fn', () => {
  expectTypeOf(runInThread((a: number, b: string) => b.repeat(a), 2, 'x')).toEqualTypeOf<Operation<string>>()
  expectTypeOf(runInProcess(async (n: number) => [n], 1)).toEqualTypeOf<Operation<number[]>>()
  // @ts-expect-error: the argument does not match fn's parameter
  runInThread((n: number) => n, 'one')
  // @ts-expect-error: missing argument
  runInThread((a: number, b: number) => a + b, 1)
})

test('workerFunction carries the signature of the exported function', () => {
  const fib = workerFunction<(n: number) => number>('/abs/fib.js', 'fib')
  const pool = new WorkerPool({ kind: 'thread', size: 1 })
  expectTypeOf(pool.run(fib, 30)).toEqualTypeOf<Operation<number>>()
  // @ts-expect-error: fib takes a number
  pool.run(fib, '30')
})
