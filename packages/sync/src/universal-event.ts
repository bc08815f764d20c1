import type { Operation } from '@curio/kernel'
import { WAIT, WaiterList } from './internal/waiters.js'

/** Options for waiting from promise code. */
export interface WaitAsyncOptions {
  /** Stop waiting when aborted: the promise rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * An `Event` shared with the world outside the kernel: set it from a task, a timer, an event
 * handler, promise code or another kernel; wait from a task (`yield* ev.wait()`) or from
 * promise code (`await ev.waitAsync()`). Task and promise waiters are woken in one FIFO. A
 * task's wait counts as external: a virtual clock does not jump past it.
 *
 * @example
 * const done = new UniversalEvent()
 * setTimeout(() => done.set(), 10)
 * yield* done.wait()
 */
export class UniversalEvent {
  private flag = false
  private readonly waiters = new WaiterList<void>(true)

  /** True while set. */
  isSet(): boolean {
    return this.flag
  }

  /** Set the flag and wake every waiter, oldest first. */
  set(): void {
    this.flag = true
    this.waiters.wakeAll(undefined)
  }

  /** Clear the flag. */
  clear(): void {
    this.flag = false
  }

  private readonly check = (): void | typeof WAIT => (this.flag ? undefined : WAIT)

  /** Wait from a task until set. */
  wait(): Operation<void> {
    return this.waiters.op('UEVENT_WAIT', this.check)
  }

  /** Wait from promise code until set. */
  waitAsync(options: WaitAsyncOptions = {}): Promise<void> {
    if (this.flag) return Promise.resolve()
    return this.waiters.waitAsync(options.signal)
  }
}
