import { WaitQueue } from '@curio/kernel'
import type { ExitInfo, WorkerHandle } from './worker-handle.js'

/** How a call ended: the worker's answer, or the crash that ended it. */
export interface Outcome {
  ok: boolean
  value: unknown
}

/** One worker of a pool, with the state of the call it runs (one at a time). */
export class PoolWorker {
  handle!: WorkerHandle
  /** Ids of the sourced functions this worker has compiled: their source is sent once. */
  readonly known = new Set<number>()
  /** The caller waiting for this worker's answer; an external wait, it holds the virtual clock. */
  readonly answered = new WaitQueue({ external: true })
  busy = false
  /** Killed on purpose (cancel, timeout, close): its exit is no crash. */
  killed = false
  callId = 0
  outcome: Outcome | undefined = undefined
  exit: ExitInfo | undefined = undefined
  /** Settles once the worker is gone. */
  readonly gone: Promise<void>
  private markGone!: () => void

  constructor() {
    this.gone = new Promise<void>((resolve) => {
      this.markGone = resolve
    })
  }

  /** The worker answered the current call. */
  settle(outcome: Outcome): void {
    if (this.outcome !== undefined || !this.busy) return
    this.outcome = outcome
    this.answered.wake()
  }

  /** The worker is gone; a call still waiting on it ends with `outcome`. */
  exited(info: ExitInfo, outcome: Outcome | undefined): void {
    this.exit = info
    if (outcome !== undefined) this.settle(outcome)
    this.markGone()
  }
}
