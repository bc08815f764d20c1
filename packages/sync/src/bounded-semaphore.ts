import { Semaphore } from './semaphore.js'

/** A `Semaphore` whose `release` throws if it would raise the count above its initial value. */
export class BoundedSemaphore extends Semaphore {
  /** The initial value, which the count may never exceed. */
  readonly bound: number

  constructor(value = 1) {
    super(value)
    this.bound = value
  }

  /** Give a permit back; throws when every permit is already back. */
  override release(): void {
    if (this.value >= this.bound) {
      throw new Error(`BoundedSemaphore.release(): released more often than acquired (bound ${this.bound})`)
    }
    super.release()
  }
}
