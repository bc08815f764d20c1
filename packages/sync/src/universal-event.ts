import { MUST_WAIT, type Operation, type WaitAsyncOptions, WaitQueue } from '@curio/kernel'

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
  private readonly waiters = new WaitQueue({ external: true })

  /** True while set. */
  isSet(): boolean {
    return this.flag
  }

  /** Set the flag and wake every waiter, oldest first. */
  set(): void {
    this.flag = true
    this.waiters.wakeAll()
  }

  /** Clear the flag. */
  clear(): void {
    this.flag = false
  }

  private readonly check = (): void | typeof MUST_WAIT => (this.flag ? undefined : MUST_WAIT)

  /** Wait from a task until set. */
  wait(): Operation<void> {
    return this.waiters.suspend('UEVENT_WAIT', this.check)
  }

  /** Wait from promise code until set. */
  waitAsync(options: WaitAsyncOptions = {}): Promise<void> {
    if (this.flag) return Promise.resolve()
    return this.waiters.waitAsync(options)
  }
}
