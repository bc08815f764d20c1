// Shared by the ports of Curio's test modules: Curio's `kernel` fixture, on our terms.
import { type Operation, type OperationSource, run } from 'curio'

/**
 * Curio's `kernel.run(main)` on a virtual clock: Curio's tests sleep for tenths of seconds to
 * order events; here the clock jumps, so the same order takes microseconds and cannot flake.
 */
export function vrun<T>(main: OperationSource<T>): Promise<T> {
  return run(main, { clock: 'virtual' })
}

/** Run `op`, which must throw; return what it threw (Curio's `pytest.raises`). */
export function* raises(op: Operation<unknown>): Operation<unknown> {
  try {
    yield* op
  } catch (error) {
    return error
  }
  throw new Error('expected an exception')
}
