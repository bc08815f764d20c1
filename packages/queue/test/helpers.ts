import { type Operation, type OperationSource, run, schedule } from '@curio/kernel'

/** Run `main` on a virtual clock: timeouts take microseconds and are deterministic. */
export function vrun<T>(main: OperationSource<T>): Promise<T> {
  return run(main, { clock: 'virtual' })
}

/** Let every ready task run a few steps (each `schedule` is one full pass of the ready queue). */
export function* settle(passes = 3): Operation<void> {
  for (let i = 0; i < passes; i++) yield* schedule()
}

/** Run `op`, which must throw; return what it threw. */
export function* catching(op: Operation<unknown>): Operation<unknown> {
  try {
    yield* op
  } catch (e) {
    return e
  }
  throw new Error('expected an exception')
}
