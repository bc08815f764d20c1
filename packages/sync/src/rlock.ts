import {
  getCurrentTask,
  MUST_WAIT,
  type Operation,
  type OperationSource,
  type Task,
  WaitQueue,
} from '@curio/kernel'
import { toOperation } from './internal/operation.js'

/**
 * A re-entrant lock: owned by the task that acquired it, which may acquire it again (each
 * `acquire` needs its `release`). Only the owner may release it. Handed over in FIFO order.
 *
 * @example
 * const lock = new RLock()
 * yield* lock.withLock(function* () { yield* lock.withLock(function* () {}) })
 */
export class RLock {
  private owner: Task<unknown> | undefined = undefined
  private count = 0
  /** Released to a waiter that has not run yet: nobody else may take it meanwhile. */
  private handedOver = false
  /** Waiters are woken with `true`: the lock is theirs. */
  private readonly waiters = new WaitQueue<boolean>()

  /** True while some task holds the lock. */
  locked(): boolean {
    return this.owner !== undefined || this.handedOver
  }

  private readonly tryAcquire = (): boolean | typeof MUST_WAIT => {
    const task = getCurrentTask()
    if (task === undefined) throw new Error('RLock.acquire() must run in a task')
    if (this.owner === task) {
      this.count++
    } else if (this.owner === undefined && !this.handedOver) {
      this.owner = task
      this.count = 1
    } else {
      return MUST_WAIT
    }
    return false
  };

  /** Wait for the lock (at once if the current task owns it) and take it once more. */
  *acquire(): Operation<void> {
    if (yield* this.waiters.suspend('RLOCK_ACQUIRE', this.tryAcquire)) {
      // Handed over by the last release; a cancellation that arrived since is still pending.
      this.handedOver = false
      this.owner = getCurrentTask()
      this.count = 1
    }
  }

  /** Release once; the last release hands the lock to the oldest waiter. Owner only. */
  release(): void {
    this.checkOwner('release')
    if (--this.count === 0) this.handOver()
  }

  /** Run `op` holding the lock; release it however `op` ends. */
  withLock<T>(op: OperationSource<T>): Operation<T> {
    return this.holding(toOperation(op, 'RLock.withLock'))
  }

  /** @internal True when the current task owns the lock (for Condition). */
  _ownedByCurrent(): boolean {
    return this.owner !== undefined && this.owner === getCurrentTask()
  }

  /** @internal Release every level at once (Condition.wait); returns how many there were. */
  _releaseAll(): number {
    this.checkOwner('release')
    const count = this.count
    this.count = 0
    this.handOver()
    return count
  }

  /** @internal Take the lock back with the levels `_releaseAll` returned. */
  *_acquireRestore(count: number): Operation<void> {
    yield* this.acquire()
    this.count = count
  }

  private handOver(): void {
    this.owner = undefined
    this.count = 0
    this.handedOver = this.waiters.wake(1, true) === 1
  }

  private checkOwner(what: string): void {
    if (this.owner === undefined) throw new Error(`RLock.${what}(): the lock is not held`)
    if (this.owner !== getCurrentTask()) {
      throw new Error(`RLock.${what}(): only the task that owns the lock may release it`)
    }
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
