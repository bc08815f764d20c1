import { type Operation, WaitQueue } from '@curio/kernel'

/**
 * A flag tasks can wait for. `set()` wakes every waiter; later `wait()`s return at once until
 * `clear()`. `set` and `clear` never block: call them from a task or from any callback.
 *
 * @example
 * const ready = new Event()
 * yield* spawn(function* () { yield* ready.wait(); console.log('go') })
 * ready.set()
 */
export class Event {
  private flag = false
  private readonly waiting = new WaitQueue()

  /** True while set. */
  isSet(): boolean {
    return this.flag
  }

  /** Set the flag and wake every waiter. */
  set(): void {
    this.flag = true
    this.waiting.wakeAll()
  }

  /** Clear the flag; tasks already woken still return. */
  clear(): void {
    this.flag = false
  }

  /** Wait until the flag is set (returns at once if it is). */
  *wait(): Operation<void> {
    if (this.flag) return
    yield* this.waiting.suspend('EVENT_WAIT')
  }
}
