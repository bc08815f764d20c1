import { MUST_WAIT, type Operation, type OperationSource, WaitQueue } from '@curio/kernel'
import { toOperation } from './internal/operation.js'
import { checkCount } from './internal/validate.js'

/**
 * A counter of permits. `acquire` takes one (waiting while there are none), `release` gives
 * one back, straight to the oldest waiter if any: no barging, and a waiter cancelled while
 * waiting takes no permit.
 *
 * @example
 * const slots = new Semaphore(3) // at most 3 downloads at a time
 * yield* slots.withAcquire(download(url))
 */
export class Semaphore {
  private count: number
  private readonly waiters = new WaitQueue()

  constructor(value = 1) {
    checkCount(value, 0, 'Semaphore(value)')
    this.count = value
  }

  /** Permits available now. */
  get value(): number {
    return this.count
  }

  /** True when no permit is available. */
  locked(): boolean {
    return this.count === 0
  }

  private readonly tryAcquire = (): void | typeof MUST_WAIT => {
    if (this.count === 0) return MUST_WAIT
    this.count--
  }

  /** Wait for a permit and take it. */
  acquire(): Operation<void> {
    return this.waiters.suspend('SEMA_ACQUIRE', this.tryAcquire)
  }

  /** Give a permit back: to the oldest waiter, or to the count. */
  release(): void {
    if (this.waiters.wake(1) === 0) this.count++
  }

  /** Run `op` holding a permit; give it back however `op` ends. */
  withAcquire<T>(op: OperationSource<T>): Operation<T> {
    return this.holding(toOperation(op, `${this.constructor.name}.withAcquire`))
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
