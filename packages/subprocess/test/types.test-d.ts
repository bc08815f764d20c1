import type { Operation } from '@curio/kernel'
import { type CompletedProcess, checkOutput, Popen, run } from '@curio/subprocess'
import { expectTypeOf, it } from 'vitest'

it('yield* gives each operation its result type', () => {
  function* main(): Operation<void> {
    expectTypeOf(yield* run(['true'])).toEqualTypeOf<CompletedProcess>()
    expectTypeOf(yield* checkOutput(['true'])).toEqualTypeOf<Buffer>()
    const p = new Popen(['cat'])
    expectTypeOf(yield* p.wait()).toEqualTypeOf<number>()
    expectTypeOf(p.poll()).toEqualTypeOf<number | null>()
    expectTypeOf(yield* p.communicate('x')).toEqualTypeOf<[Buffer | null, Buffer | null]>()
    expectTypeOf(yield* p.stdout!.readline()).toEqualTypeOf<Buffer>()
    expectTypeOf(p.signal).toEqualTypeOf<NodeJS.Signals | null>()
  }
  expectTypeOf(main).returns.toEqualTypeOf<Operation<void>>()
})
