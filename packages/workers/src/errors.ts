import { CurioError } from '@curio/kernel'

/** What `WorkerCrashed` carries besides its message. */
export interface WorkerCrashedDetails {
  /** The worker's exit code, or null when a signal ended it. */
  exitCode: number | null
  /** The signal that ended a process worker (`'SIGKILL'`...), else null. */
  signal: string | null
  /** What the worker threw outside any call, or ran out of, when known. */
  cause?: unknown
}

/**
 * The worker running the call exited, was killed, or threw outside any call. Only that call
 * fails; the pool starts a new worker in its place.
 */
export class WorkerCrashed extends CurioError {
  readonly exitCode: number | null
  readonly signal: string | null
  constructor(message: string, details: WorkerCrashedDetails) {
    super(message, 'cause' in details ? { cause: details.cause } : undefined)
    this.exitCode = details.exitCode
    this.signal = details.signal
  }
}

/** The pool was closed: it takes no new calls, and calls still waiting for a worker end with this. */
export class PoolClosed extends CurioError {
  constructor(message = 'worker pool is closed') {
    super(message)
  }
}
