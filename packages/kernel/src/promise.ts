import { CancelledError } from './errors.js'
import type { Kernel } from './kernel.js'
import type { Operation } from './operation.js'
import type { Task } from './task.js'
import { DELIVER, describeValue, isThenable, Trap } from './trap.js'

class PromiseTrap extends Trap {
  private task: Task<unknown> | undefined = undefined
  private abandoned = false

  constructor(private readonly promise: PromiseLike<unknown>) {
    super()
  }

  run(kernel: Kernel, task: Task<unknown>): unknown {
    if (!kernel._mayBlock(task)) return DELIVER
    this.task = task
    kernel._external++
    // Discussion: through Promise.resolve, a thenable that calls back synchronously inside
    // then() (or throws there) still settles later, in a job, after the task is suspended:
    // settling during run() would wake a task that is not blocked yet.
    Promise.resolve(this.promise).then(
      (value) => this.settle(false, value),
      (error) => this.settle(true, error),
    )
    return kernel._block(task, this)
  }

  override _state(): string {
    return 'FUTURE_WAIT'
  }

  private settle(failed: boolean, outcome: unknown): void {
    if (this.abandoned) return
    this.abandoned = true
    const task = this.task!
    const kernel = task._kernel
    kernel._external--
    if (failed) kernel._wakeThrow(task, outcome)
    else kernel._wake(task, outcome)
  }

  // Discussion: a promise cannot be unsubscribed. Its handlers stay attached (so a later
  // rejection is handled, never reported as unhandled) and simply do nothing.
  override teardown(kernel: Kernel): void {
    this.abandoned = true
    kernel._external--
  }

  describe(): string {
    return 'awaitPromise()'
  }
}

/**
 * Block until the promise settles; return its value or throw its reason. Cancellable: the
 * promise is then abandoned, and its later rejection is not reported as unhandled.
 */
export function awaitPromise<T>(promise: PromiseLike<T>): Operation<Awaited<T>> {
  if (!isThenable(promise)) {
    throw new TypeError(`awaitPromise takes a Promise (a thenable), got ${describeValue(promise)}`)
  }
  return new PromiseTrap(promise) as unknown as Operation<Awaited<T>>
}

/**
 * Run promise code with an `AbortSignal` that is aborted (reason: the cancellation error) when
 * the task is cancelled or times out: `yield* call(signal => fetch(url, { signal }))`.
 */
export function* call<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>): Operation<Awaited<T>> {
  if (typeof fn !== 'function') throw new TypeError(`call takes a function, got ${describeValue(fn)}`)
  const controller = new AbortController()
  const result = fn(controller.signal)
  if (!isThenable(result)) return result as Awaited<T>
  try {
    return (yield* awaitPromise(result)) as Awaited<T>
  } catch (error) {
    if (error instanceof CancelledError) controller.abort(error)
    throw error
  }
}
