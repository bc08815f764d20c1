/**
 * Timeouts, with Curio's nesting rules.
 *
 * Each task keeps a stack of the deadlines of the timeout blocks it is in, and one heap entry
 * for the nearest deadline that has not fired yet. When it fires at clock `t`, every level
 * whose deadline is <= t is marked fired and `TaskTimeout(t)` is delivered. Each block, on
 * the way out, compares `t` with the stack: the outermost expired block turns it into its own
 * `TaskTimeout`; blocks inside it see `TimeoutCancellationError`; a timeout reaching a block
 * with nothing expired at or outside it is an `UncaughtTimeoutError`.
 */
import { TaskTimeout, TimeoutCancellationError, UncaughtTimeoutError } from './errors.js'
import type { Kernel } from './kernel.js'
import { type Operation, type OperationSource, toOperation } from './operation.js'
import type { Task } from './task.js'
import type { TimerEntry } from './timer-heap.js'
import { InstantTrap } from './trap.js'

/** @internal a task's timeout blocks */
export class TimeoutState {
  readonly deadlines: number[] = []
  readonly fired: boolean[] = []
  /** Open levels; the arrays are never shrunk (push/pop at depth 0<->1 reallocated them per block). */
  depth = 0
  /** Levels below this index were open when the task was cancelled: they never fire. */
  disarmed = 0
  readonly entry: TimeoutEntry
  constructor(task: Task<unknown>) {
    this.entry = new TimeoutEntry(task, this)
  }

  /** Put the nearest unfired deadline in the heap (or take the entry out if there is none). */
  rearm(kernel: Kernel): void {
    let nearest = Number.POSITIVE_INFINITY
    for (let i = this.disarmed; i < this.depth; i++) {
      if (!this.fired[i] && this.deadlines[i]! < nearest) nearest = this.deadlines[i]!
    }
    if (nearest === Number.POSITIVE_INFINITY) kernel._timers.remove(this.entry)
    else if (kernel._timers.deadlineOf(this.entry) !== nearest) kernel._timers.add(this.entry, nearest)
  }

  /**
   * The task was cancelled: the blocks it is in now never time out.
   *
   * Discussion: the cancellation unwinds through those blocks, and their cleanup code may
   * block. A deadline firing there would replace the cancellation with a `TaskTimeout` that a
   * block turns into an ordinary, catchable timeout, and the task would carry on as if it had
   * never been cancelled (Curio: "cancelling a task also cancels any pending timeout"). Blocks
   * opened after the cancellation, e.g. to bound the cleanup, keep their deadlines.
   */
  disarm(kernel: Kernel): void {
    this.disarmed = this.depth
    this.rearm(kernel)
  }

  /**
   * Index of the outermost level a timeout with clock `t` belongs to, or -1: an armed level
   * expired by `t`, or a level that fired before a cancellation disarmed it (its TaskTimeout
   * was already on its way into the task and must still end that block).
   */
  ownerOf(t: number): number {
    const { deadlines, fired } = this
    for (let i = 0; i < this.depth; i++) {
      if (deadlines[i]! <= t && (i >= this.disarmed || fired[i])) return i
    }
    return -1
  }

  /** Index of the outermost armed level whose deadline is at or before `t`, or -1. */
  outermostExpired(t: number): number {
    const { deadlines } = this
    for (let i = this.disarmed; i < this.depth; i++) if (deadlines[i]! <= t) return i
    return -1
  }
}

class TimeoutEntry implements TimerEntry {
  heapIndex = -1
  constructor(
    private readonly task: Task<unknown>,
    private readonly state: TimeoutState,
  ) {}

  expire(now: number): void {
    const { deadlines, fired } = this.state
    for (let i = this.state.disarmed; i < this.state.depth; i++) if (deadlines[i]! <= now) fired[i] = true
    const kernel = this.task._kernel
    this.state.rearm(kernel)
    kernel._interrupt(this.task, new TaskTimeout(now))
  }
}

class PushDeadline extends InstantTrap {
  constructor(
    private readonly time: number,
    private readonly relative: boolean,
  ) {
    super()
  }
  run(kernel: Kernel, task: Task<unknown>): undefined {
    const state = (task._timeouts ??= new TimeoutState(task))
    const level = state.depth++
    state.deadlines[level] = this.relative ? kernel.now() + this.time : this.time
    state.fired[level] = false
    state.rearm(kernel)
    return undefined
  }
  describe(): string {
    return this.relative ? `timeoutAfter(${this.time})` : `timeoutAt(${this.time})`
  }
}

enum Exit {
  /** Not a timeout of ours: let it pass unchanged. */
  Pass = 0,
  /** Our own deadline is the outermost expired one. */
  Expired = 1,
  /** An outer deadline expired: inner blocks see TimeoutCancellationError. */
  Outer = 2,
  /** A timeout with no expired deadline at or outside this block. */
  Uncaught = 3,
}

class PopDeadline extends InstantTrap {
  constructor(private readonly error: unknown) {
    super()
  }

  run(kernel: Kernel, task: Task<unknown>): Exit {
    const state = task._timeouts!
    const mine = state.depth - 1
    let exit = Exit.Pass
    const e = this.error
    if (e instanceof TaskTimeout || e instanceof TimeoutCancellationError) {
      const t = e.clock ?? Number.NEGATIVE_INFINITY
      const n = state.ownerOf(t)
      if (n < 0) exit = Exit.Uncaught
      else if (n < mine) exit = e instanceof TaskTimeout ? Exit.Outer : Exit.Pass
      else exit = Exit.Expired
    }
    const depth = --state.depth
    if (state.disarmed > depth) state.disarmed = depth
    // Discussion: a deadline that fired while the task could not take it (running, or with
    // cancellation disabled) left a pending TaskTimeout. If no block still open has expired
    // by its clock, it belonged to this block or one inside it, and must never fire later.
    const pending = task._cancelPending
    if (pending instanceof TaskTimeout) {
      const t = pending.clock ?? Number.NEGATIVE_INFINITY
      if (state.outermostExpired(t) < 0) task._cancelPending = undefined
    }
    // Discussion: an enclosing deadline has already passed (it fired into this block, which
    // turned it into a TimeoutCancellationError that the code may catch, or it passed while
    // this block ran on). The task must not carry on in the enclosing block as if it had
    // time left: as in Curio's unset_timeout, a TaskTimeout waits for its next blocking trap.
    if (depth > state.disarmed && task._cancelPending === undefined) {
      const now = kernel.now()
      if (state.outermostExpired(now) >= 0) task._cancelPending = new TaskTimeout(now)
    }
    state.rearm(kernel)
    return exit
  }

  describe(): string {
    return 'timeout exit'
  }
}

function* timeoutBlock<T, D>(
  time: number,
  relative: boolean,
  source: OperationSource<T>,
  ignore: boolean,
  timeoutResult: D,
): Operation<T | D> {
  const op = toOperation(source, ignore ? 'ignoreAfter' : 'timeoutAfter')
  yield* new PushDeadline(time, relative) as unknown as Operation<undefined>
  let value: T
  try {
    value = yield* op
  } catch (error) {
    const exit: Exit = yield* new PopDeadline(error) as unknown as Operation<Exit>
    switch (exit) {
      case Exit.Expired:
        if (ignore) return timeoutResult
        if (error instanceof TimeoutCancellationError) throw new TaskTimeout(error.clock)
        throw error
      case Exit.Outer:
        throw new TimeoutCancellationError((error as TaskTimeout).clock)
      case Exit.Uncaught:
        throw new UncaughtTimeoutError('a timeout escaped the block it belonged to', { cause: error })
      default:
        throw error
    }
  }
  yield* new PopDeadline(undefined) as unknown as Operation<Exit>
  return value
}

function deadlineArg(value: unknown, what: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${what} takes milliseconds as a number, got ${String(value)}`)
  }
  return value
}

/**
 * Run `op`; if it has not finished after `ms`, cancel it at its blocking point and throw
 * `TaskTimeout`.
 */
export function timeoutAfter<T>(ms: number, op: OperationSource<T>): Operation<T> {
  return timeoutBlock(deadlineArg(ms, 'timeoutAfter'), true, op, false, undefined) as Operation<T>
}

/** Like `timeoutAfter`, with an absolute deadline on the kernel clock. */
export function timeoutAt<T>(deadline: number, op: OperationSource<T>): Operation<T> {
  return timeoutBlock(deadlineArg(deadline, 'timeoutAt'), false, op, false, undefined) as Operation<T>
}

/** Options for `ignoreAfter` / `ignoreAt`. */
export interface IgnoreOptions<D> {
  /** What to return when the time runs out (default `undefined`). */
  timeoutResult?: D
}

/**
 * Like `timeoutAfter`, but on expiry return `timeoutResult` instead of throwing.
 *
 * `D` comes from `options` only (`NoInfer` in the result): inferred from where the result is
 * assigned, `const n: number = yield* ignoreAfter(10, op)` would compile and be `undefined`
 * on expiry.
 */
export function ignoreAfter<T, D = undefined>(
  ms: number,
  op: OperationSource<T>,
  options?: IgnoreOptions<D>,
): Operation<T | NoInfer<D>> {
  return timeoutBlock(deadlineArg(ms, 'ignoreAfter'), true, op, true, options?.timeoutResult as D)
}

/** Like `ignoreAfter`, with an absolute deadline on the kernel clock. */
export function ignoreAt<T, D = undefined>(
  deadline: number,
  op: OperationSource<T>,
  options?: IgnoreOptions<D>,
): Operation<T | NoInfer<D>> {
  return timeoutBlock(deadlineArg(deadline, 'ignoreAt'), false, op, true, options?.timeoutResult as D)
}
