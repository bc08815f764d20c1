import { CancelledError } from './errors.js'
import type { Kernel } from './kernel.js'
import { type Operation, type OperationSource, toOperation } from './operation.js'
import type { Task } from './task.js'
import { DELIVER, InstantTrap } from './trap.js'

class AllowCancelTrap extends InstantTrap {
  constructor(private readonly allow: boolean) {
    super()
  }
  run(_kernel: Kernel, task: Task<unknown>): boolean {
    const previous = task._allowCancel
    task._allowCancel = this.allow
    return previous
  }
  describe(): string {
    return this.allow ? 'enableCancellation()' : 'disableCancellation()'
  }
}

function allowCancel(allow: boolean): Operation<boolean> {
  return new AllowCancelTrap(allow) as unknown as Operation<boolean>
}

/**
 * Run `op` with cancellation and timeouts held pending: blocking calls inside still work, and
 * whatever arrived is delivered at the first blocking call after the region.
 *
 * A `CancelledError` that `op` throws itself (the kernel never delivers one here) becomes the
 * pending cancellation when the outer context disallows cancellation too (nested regions), and
 * the region then returns `undefined`; where the outside allows it, it propagates.
 */
export function* disableCancellation<T>(op: OperationSource<T>): Operation<T> {
  const operation = toOperation(op, 'disableCancellation')
  const previous = yield* allowCancel(false)
  try {
    return yield* operation
  } catch (error) {
    // Discussion: as Curio's `_CancellationManager.__aexit__`. Inside an outer region the error
    // must not escape (the outer code was promised no cancellation), so it waits, like one the
    // kernel would have delivered, for the first blocking call where cancellation is allowed.
    if (!previous && error instanceof CancelledError) {
      yield* setCancellation(error)
      return undefined as T
    }
    throw error
  } finally {
    yield* allowCancel(previous)
  }
}

/**
 * Inside a `disableCancellation` region, run `op` with delivery allowed again. A cancellation
 * that ends `op` is held pending for the enclosing region (it returns `undefined` then), as
 * in Curio.
 */
export function* enableCancellation<T>(op: OperationSource<T>): Operation<T | undefined> {
  const operation = toOperation(op, 'enableCancellation')
  const previous = yield* allowCancel(true)
  try {
    return yield* operation
  } catch (error) {
    if (!previous && error instanceof CancelledError) {
      yield* setCancellation(error)
      return undefined
    }
    throw error
  } finally {
    yield* allowCancel(previous)
  }
}

class CheckCancellationTrap extends InstantTrap {
  run(_kernel: Kernel, task: Task<unknown>): unknown {
    if (task._cancelPending !== undefined && task._allowCancel) return DELIVER
    return task._cancelPending
  }
  describe(): string {
    return 'checkCancellation()'
  }
}

/**
 * The explicit cancellation point: throw the pending cancellation if delivery is allowed,
 * otherwise return it (or undefined).
 */
export function checkCancellation(): Operation<CancelledError | undefined> {
  return new CheckCancellationTrap() as unknown as Operation<CancelledError | undefined>
}

class SetCancellationTrap extends InstantTrap {
  constructor(private readonly exc: CancelledError | undefined) {
    super()
  }
  run(_kernel: Kernel, task: Task<unknown>): CancelledError | undefined {
    const previous = task._cancelPending
    task._cancelPending = this.exc
    return previous
  }
  describe(): string {
    return 'setCancellation()'
  }
}

/** Replace the pending cancellation (or clear it with undefined), returning the old one. */
export function setCancellation(exc: CancelledError | undefined): Operation<CancelledError | undefined> {
  if (exc !== undefined && !(exc instanceof CancelledError)) {
    throw new TypeError('setCancellation takes a CancelledError or undefined')
  }
  return new SetCancellationTrap(exc) as unknown as Operation<CancelledError | undefined>
}
