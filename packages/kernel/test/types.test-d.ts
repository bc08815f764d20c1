import { describe, expectTypeOf, it } from 'vitest'
import {
  awaitPromise,
  type CancelledError,
  call,
  checkCancellation,
  clock,
  currentTask,
  disableCancellation,
  ignoreAfter,
  ignoreAt,
  Kernel,
  Local,
  type Operation,
  type OperationResult,
  run,
  sleep,
  spawn,
  type Task,
  type TaskGroup,
  taskGroup,
  timeoutAfter,
  timeoutAt,
  WaitQueue,
} from '../src/index.js'

function* numberOp(): Operation<number> {
  yield* sleep(1)
  return 1
}

describe('what yield* infers', () => {
  it('spawn gives Task<T> and yield* t.join() gives T', () => {
    function* main(): Operation<void> {
      const t = yield* spawn(numberOp)
      expectTypeOf(t).toEqualTypeOf<Task<number>>()
      const v = yield* t.join()
      expectTypeOf(v).toEqualTypeOf<number>()
      const fromGenerator = yield* spawn(numberOp())
      expectTypeOf(fromGenerator).toEqualTypeOf<Task<number>>()
      const inferred = yield* spawn(function* () {
        yield* sleep(1)
        return 'text' as const
      })
      expectTypeOf(yield* inferred.join()).toEqualTypeOf<'text'>()
      expectTypeOf(yield* t.wait()).toEqualTypeOf<void>()
      expectTypeOf(yield* t.cancel()).toEqualTypeOf<boolean>()
      expectTypeOf(t.result).toEqualTypeOf<number>()
      expectTypeOf(t.toPromise()).toEqualTypeOf<Promise<number>>()
    }
    expectTypeOf(main).returns.toEqualTypeOf<Operation<void>>()
  })

  it('timeoutAfter / timeoutAt give T', () => {
    function* main(): Operation<void> {
      expectTypeOf(yield* timeoutAfter(10, numberOp)).toEqualTypeOf<number>()
      expectTypeOf(yield* timeoutAt(10, numberOp())).toEqualTypeOf<number>()
    }
    void main
  })

  it('ignoreAfter gives T | undefined, and T | D with timeoutResult', () => {
    function* main(): Operation<void> {
      expectTypeOf(yield* ignoreAfter(10, numberOp)).toEqualTypeOf<number | undefined>()
      expectTypeOf(yield* ignoreAfter(10, numberOp, { timeoutResult: 'late' as const })).toEqualTypeOf<
        number | 'late'
      >()
      expectTypeOf(yield* ignoreAt(10, numberOp(), { timeoutResult: null })).toEqualTypeOf<number | null>()
    }
    void main
  })

  it('ignoreAfter/ignoreAt take D from options only, never from where the result is assigned', () => {
    function* main(): Operation<void> {
      // @ts-expect-error undefined on expiry: D is not inferred from the declared type
      const n: number = yield* ignoreAfter(10, numberOp)
      // @ts-expect-error the same with options that give no timeoutResult
      const m: number = yield* ignoreAfter(10, numberOp, {})
      // @ts-expect-error the same for ignoreAt
      const a: number = yield* ignoreAt(10, numberOp)
      const k: number = yield* ignoreAfter(10, numberOp, { timeoutResult: 0 })
      void [n, m, a, k]
    }
    void main
  })

  it("awaitPromise gives the promise's value type, call the awaited result", () => {
    function* main(): Operation<void> {
      expectTypeOf(yield* awaitPromise(Promise.resolve(1))).toEqualTypeOf<number>()
      expectTypeOf(yield* awaitPromise(Promise.resolve(Promise.resolve('nested')))).toEqualTypeOf<string>()
      expectTypeOf(yield* call(async (signal) => signal.aborted)).toEqualTypeOf<boolean>()
      expectTypeOf(yield* call(() => 3)).toEqualTypeOf<number>()
    }
    void main
  })

  it('time, current task, cancellation control', () => {
    function* main(): Operation<void> {
      expectTypeOf(yield* sleep(1)).toEqualTypeOf<number>()
      expectTypeOf(yield* clock()).toEqualTypeOf<number>()
      expectTypeOf(yield* currentTask()).toEqualTypeOf<Task<unknown>>()
      expectTypeOf(yield* checkCancellation()).toEqualTypeOf<CancelledError | undefined>()
      expectTypeOf(yield* disableCancellation(numberOp)).toEqualTypeOf<number>()
      expectTypeOf(yield* new WaitQueue().suspend()).toEqualTypeOf<void>()
      expectTypeOf(yield* new Local('x').with('y', numberOp)).toEqualTypeOf<number>()
    }
    void main
  })

  it('taskGroup gives the body result; TaskGroup.spawn gives Task<T>', () => {
    function* main(): Operation<void> {
      const r = yield* taskGroup({ wait: 'all' }, function* (g) {
        expectTypeOf(g).toEqualTypeOf<TaskGroup>()
        const t = yield* g.spawn(numberOp)
        expectTypeOf(t).toEqualTypeOf<Task<number>>()
        return [1, 2] as const
      })
      expectTypeOf(r).toEqualTypeOf<readonly [1, 2]>()
    }
    void main
  })

  it('run and kernel.run give Promise<T>; OperationResult extracts T', () => {
    expectTypeOf(run(numberOp)).toEqualTypeOf<Promise<number>>()
    expectTypeOf(new Kernel().run(numberOp())).toEqualTypeOf<Promise<number>>()
    expectTypeOf<OperationResult<typeof numberOp>>().toEqualTypeOf<number>()
    expectTypeOf<OperationResult<Operation<string>>>().toEqualTypeOf<string>()
  })

  it('an async function, a promise or a plain value is not an operation source', () => {
    function* main(): Operation<void> {
      // @ts-expect-error an async function is not an operation
      yield* spawn(async () => 1)
      // @ts-expect-error a promise is not an operation
      yield* spawn(Promise.resolve(1))
      // @ts-expect-error a plain value is not an operation
      yield* timeoutAfter(10, 5)
    }
    void main
  })
})
