import type { Operation } from '@curio/kernel'
import { expectTypeOf, it } from 'vitest'
import { Lock, Result, Semaphore, UniversalResult } from '../src/index.js'

it('yield* infers what the operations return', () => {
  function* body(): Operation<void> {
    expectTypeOf(
      yield* new Lock().withLock(function* () {
        return 42
      }),
    ).toEqualTypeOf<number>()
    expectTypeOf(
      yield* new Semaphore(2).withAcquire(function* () {
        return 'x'
      }),
    ).toEqualTypeOf<string>()
    expectTypeOf(yield* new Result<Date>().unwrap()).toEqualTypeOf<Date>()
    expectTypeOf(yield* new Lock().acquire()).toEqualTypeOf<void>()
  }
  expectTypeOf(body).returns.toEqualTypeOf<Operation<void>>()
  expectTypeOf(new UniversalResult<number>().unwrapAsync()).toEqualTypeOf<Promise<number>>()
})
