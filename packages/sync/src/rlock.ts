import { getCurrentTask, type Operation, type OperationSource, type Task } from '@curio/kernel'
import { toOperation } from './internal/operation.js'
import { WAIT, WaiterList } from './internal/waiters.js'

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
  private readonly waiters = new WaiterList<void>()

  /** True while some task holds the lock. */
  locked(): boolean {
    return this.owner !== undefined
  }

  private readonly tryAcquire = (): void | typeof WAIT => {
    const task = getCurrentTask()
    if (task === undefined) throw new Error('RLock.acquire() must run in a task')
    if (this.owner === task) {
      this.count++
    } else if (this.owner === undefined) {
      this.owner = task
      this.count = 1
    } else {
      // The releaser makes the waiter the owner with a count of 1 before it runs.
      return WAIT
    }
  }

  /** Wait for the lock (at once if the current task owns it) and take it once more. */
  acquire(): Operation<void> {
    return this.waiters.op('RLOCK_ACQUIRE', this.tryAcquire)
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
    const next = this.waiters.wakeOne(undefined)
    this.owner = next?.task
    this.count = next === undefined ? 0 : 1
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
