import { disableCancellation, type Operation, type OperationSource, WaitQueue } from '@curio/kernel'
import { checkCount } from './internal/validate.js'
import { Lock } from './lock.js'
import { RLock } from './rlock.js'

/**
 * Wait for a state change under a lock. `wait()` releases the lock, sleeps until notified and
 * takes the lock back before returning (also when cancelled: the exception is raised with the
 * lock held, so `withLock`'s release stays right). `notify` requires holding the lock.
 *
 * @example
 * const cond = new Condition()
 * yield* cond.withLock(function* () { yield* cond.waitFor(() => items.length > 0) })
 */
export class Condition {
  /** The lock it uses (a new `Lock` unless one was given). */
  readonly lock: Lock | RLock
  private readonly waiting = new WaitQueue()

  constructor(lock: Lock | RLock = new Lock()) {
    if (!(lock instanceof Lock || lock instanceof RLock)) {
      throw new TypeError('Condition(lock) takes a Lock or an RLock')
    }
    this.lock = lock
  }

  /** True while the lock is held. */
  locked(): boolean {
    return this.lock.locked()
  }

  /** Acquire the lock. */
  acquire(): Operation<void> {
    return this.lock.acquire()
  }

  /** Release the lock. */
  release(): void {
    this.lock.release()
  }

  /** Run `op` holding the lock. */
  withLock<T>(op: OperationSource<T>): Operation<T> {
    return this.lock.withLock(op)
  }

  /** Release the lock, wait for a notify, re-acquire the lock. */
  *wait(): Operation<void> {
    this.checkHeld('wait')
    const lock = this.lock
    let levels = 1
    if (lock instanceof RLock) levels = lock._releaseAll()
    else lock.release()
    try {
      yield* this.waiting.suspend('COND_WAIT')
    } finally {
      // Cancelled or not, the caller gets the lock back: it holds it in its own eyes.
      yield* disableCancellation(lock instanceof RLock ? lock._acquireRestore(levels) : lock.acquire())
    }
  }

  /** Wait until `predicate()` is truthy, checking it after each notify; returns its value. */
  *waitFor<R>(predicate: () => R): Operation<R> {
    if (typeof predicate !== 'function') throw new TypeError('Condition.waitFor(predicate) takes a function')
    for (;;) {
      const result = predicate()
      if (result) return result
      yield* this.wait()
    }
  }

  /** Wake up to `n` waiting tasks, oldest first. Requires holding the lock. */
  notify(n = 1): void {
    checkCount(n, 0, 'Condition.notify(n)')
    this.checkHeld('notify')
    this.waiting.wake(n)
  }

  /** Wake every waiting task. Requires holding the lock. */
  notifyAll(): void {
    this.checkHeld('notifyAll')
    this.waiting.wakeAll()
  }

  private checkHeld(what: string): void {
    const lock = this.lock
    const held = lock instanceof RLock ? lock._ownedByCurrent() : lock.locked()
    if (!held) throw new Error(`Condition.${what}() requires holding the condition's lock`)
  }
}
