import { MUST_WAIT, type Operation, type OperationSource, WaitQueue } from '@curio/kernel'
import { toOperation } from './internal/operation.js'

/**
 * A mutual-exclusion lock, handed over in FIFO order: `release()` gives the lock to the oldest
 * waiter directly, so a task arriving later cannot barge in. A waiter cancelled while waiting
 * never holds it. Not owned by a task: any task or callback may release it (see `RLock`).
 *
 * @example
 * const lock = new Lock()
 * yield* lock.withLock(function* () { yield* sleep(10) })
 */
export class Lock {
  private held = false
  private readonly waiters = new WaitQueue()

  /** True while some task holds the lock. */
  locked(): boolean {
    return this.held
  }

  private readonly tryAcquire = (): void | typeof MUST_WAIT => {
    if (this.held) return MUST_WAIT
    this.held = true
  }

  /** Wait for the lock and take it. */
  acquire(): Operation<void> {
    return this.waiters.suspend('LOCK_ACQUIRE', this.tryAcquire)
  }

  /** Release the lock, handing it to the oldest waiter; throws if it is not held. */
  release(): void {
    if (!this.held) throw new Error('Lock.release(): the lock is not held')
    // The lock stays held when a waiter takes it: ownership passes without a gap.
    if (this.waiters.wake(1) === 0) this.held = false
  }

  /** Run `op` holding the lock; release it however `op` ends. */
  withLock<T>(op: OperationSource<T>): Operation<T> {
    return this.holding(toOperation(op, 'Lock.withLock'))
  }

  private *holding<T>(op: Operation<T>): Operation<T> {
    yield* this.acquire()
    try {
      return yield* op
    } finally {
      this.release()
    }
  }
}
