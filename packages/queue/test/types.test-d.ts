import type { Operation } from '@curio/kernel'
import { expectTypeOf, it } from 'vitest'
import { LifoQueue, PriorityQueue, Queue, UniversalQueue } from '../src/index.js'

it('yield* infers the item type', () => {
  function* body(): Operation<void> {
    expectTypeOf(yield* new Queue<string>().get()).toEqualTypeOf<string>()
    expectTypeOf(yield* new PriorityQueue<number>().get()).toEqualTypeOf<number>()
    expectTypeOf(yield* new LifoQueue<Date>().get()).toEqualTypeOf<Date>()
    expectTypeOf(yield* new Queue<string>().put('x')).toEqualTypeOf<void>()
  }
  expectTypeOf(body).returns.toEqualTypeOf<Operation<void>>()
  expectTypeOf(new UniversalQueue<string>().getAsync()).toEqualTypeOf<Promise<string>>()
  // @ts-expect-error an item of the wrong type
  new Queue<string>().putNowait(1)
})
