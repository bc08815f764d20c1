/** Base class of every error the curio kernel and packages raise on their own account. */
export class CurioError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Base class of the exceptions used to stop a task: cancellation and timeouts. */
export class CancelledError extends CurioError {}

/** Thrown into a task at its blocking point when it is cancelled. */
export class TaskCancelled extends CancelledError {
  constructor(message = 'task cancelled', options?: ErrorOptions) {
    super(message, options)
  }
}

/** Thrown into a task when the deadline of a `timeoutAfter`/`timeoutAt` block it is in expires. */
export class TaskTimeout extends CancelledError {
  /** The kernel clock (ms) when the deadline fired. */
  readonly clock: number | undefined
  constructor(clock?: number) {
    super(clock === undefined ? 'timed out' : `timed out (clock ${clock})`)
    this.clock = clock
  }
}

/**
 * Seen by timeout blocks nested inside one whose deadline expired: time ran out elsewhere, so
 * an inner `ignoreAfter` must not swallow it.
 */
export class TimeoutCancellationError extends CancelledError {
  /** The kernel clock (ms) when the outer deadline fired. */
  readonly clock: number | undefined
  constructor(clock?: number) {
    super(clock === undefined ? 'outer timeout expired' : `outer timeout expired (clock ${clock})`)
    this.clock = clock
  }
}

/** A timeout escaped the block it belonged to: a `TaskTimeout` reached a block that has not expired. */
export class UncaughtTimeoutError extends CurioError {}

/** What `task.join()` throws when the task ended with an exception; `cause` is that exception. */
export class TaskError extends CurioError {
  constructor(message: string, cause: unknown) {
    super(message, { cause })
  }
}

/** Thrown by the scoped `taskGroup` when children failed: `errors` in completion order, `cause` the first. */
export class TaskGroupError extends CurioError {
  readonly errors: readonly unknown[]
  constructor(errors: readonly unknown[]) {
    const first = errors[0]
    const what = first instanceof Error ? `${first.name}: ${first.message}` : String(first)
    super(`${errors.length} task${errors.length === 1 ? '' : 's'} in the group failed; first: ${what}`, {
      cause: first,
    })
    this.errors = errors
  }
}

/** A resource already has a task waiting on it in the same direction. */
export class ResourceBusy extends CurioError {}
/** A second task tried to read while another was already waiting to read. */
export class ReadResourceBusy extends ResourceBusy {}
/** A second task tried to write while another was already waiting to write. */
export class WriteResourceBusy extends ResourceBusy {}

/** The kernel was closed; it runs nothing more. */
export class KernelClosed extends CurioError {
  constructor(message = 'kernel is closed') {
    super(message)
  }
}

/** A task that was blocked when a deadlock was found, as `DeadlockError.tasks` lists it. */
export interface BlockedTask {
  readonly id: number
  readonly name: string
  /** Its state word when the deadlock was found (`TASK_JOIN`, `EVENT_WAIT`, ...). */
  readonly state: string
  /** Where it waited: `file:line` with debug capture on, else what it waited on. */
  readonly where: string | undefined
}

/**
 * Rejects `run()` when Node's event loop ran dry while tasks were still blocked: nothing can
 * wake them. `tasks` lists each blocked task, main first; every task was cancelled first.
 */
export class DeadlockError extends CurioError {
  readonly tasks: readonly BlockedTask[]
  constructor(tasks: readonly BlockedTask[]) {
    const lines = tasks.map(
      (t) =>
        `  task ${t.id} (${t.name}) ${t.state}${t.where !== undefined && t.where !== t.state ? ` at ${t.where}` : ''}`,
    )
    super(
      `deadlock: the event loop ran dry with ${tasks.length} task${tasks.length === 1 ? '' : 's'} blocked, so nothing can wake them (all were cancelled):\n${lines.join('\n')}`,
    )
    this.tasks = tasks
  }
}
