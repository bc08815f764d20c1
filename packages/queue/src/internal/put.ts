import type { Operation } from '@curio/kernel'

/** What a `Put` needs of its queue (`Queue`'s internal methods of the same names). */
export interface PutTarget<T> {
  /** Put now if there is room (false when full); throws `QueueClosed` once closed. */
  _offer(item: T): boolean
  /** The wait-queue trap of a putter that waits for a slot; it finishes once one is reserved for it. */
  _waitToPut(): Operation<true>
  /** A putter puts the item its slot was reserved for. */
  _putReserved(item: T): void
}

/**
 * `yield* q.put(item)`: the item goes in when the task reaches the `yield*`, not when `put` is
 * called; a bounded queue that is full makes the task wait in line for a slot.
 *
 * Discussion: like the kernel's `Trap`, the operation is its own iterator and its own iterator
 * result, so a put that finds room costs one small object and needs no trap. An unbounded queue
 * always has room: its put never blocks and is no cancellation point (nor was the trap, which
 * always finished at once). Measured (bench/ab-queue.mjs, CPU time, medians): `queue ping-pong`
 * 1.2-1.3x faster (0.39x -> 0.5x of the promise mailbox; the kernel's hand-over mailbox, the
 * floor, reads 0.56x), 100 puts then 100 gets 1.4x; the GC's share of a ping-pong profile fell
 * by a third.
 *
 * A bounded put was a `function*` around a wait-queue trap and a closure over the item: three
 * objects and a generator frame even when there was room. Now it is this object, which makes the
 * trap only when the queue is full and delegates to it as `yield*` would, handing the trap
 * itself up to the kernel (a fresh result object would read as a trap forwarded by hand, and the
 * kernel would try its attempt again). The trap's attempt is bound once per queue and only
 * reserves a slot, as a wake does; the put fills it when it resumes, in the same step, so a put
 * that waits needs no closure over its item either. Measured with the bounded get (bounded-get.ts),
 * ab-queue.mjs, 31 rounds, three runs: ping-pong through two `Queue(1)` 1.33-1.51x faster (0.30x ->
 * 0.41-0.46x of the promise mailbox), 100 puts then 100 gets on a `Queue(1000)` 2.8x, a producer
 * and a consumer through one `Queue(1)` (puts block too) 1.1-1.2x; unbounded queues unchanged.
 * A full put is a cancellation point as before: the trap takes care of that, and of a slot
 * handed to a putter that is then cancelled before it runs (the kernel resumes it with the slot;
 * it puts).
 *
 * It keeps the rules of any operation: it runs once (again is a `TypeError`, worded as the
 * kernel's), and `yield q.put(x)` without the star reaches the kernel unstepped, which reports it
 * (the kernel knows an operation by `next`, `throw` and `Symbol.iterator`). The field is not
 * named `_s`: the kernel reads a stepped `_s === 1` on a foreign object as a second copy of
 * itself. Stepped by hand outside any task it tries to put at once as well, where a trap would
 * have waited for a kernel that is not there.
 */
class Put<T> {
  // Assigned in the constructor, not field initializers: one plain store each (see the
  // kernel's Trap for what a define costs).
  declare value: undefined
  declare done: boolean
  declare private queue: PutTarget<T>
  declare private item: T | undefined
  /** The wait-queue trap while the put waits for a slot. */
  declare private wait: Operation<true> | undefined

  constructor(queue: PutTarget<T>, item: T) {
    this.value = undefined
    this.done = false
    this.queue = queue
    this.item = item
    this.wait = undefined
  }

  [Symbol.iterator](): this {
    return this
  }

  next(sent?: unknown): IteratorResult<unknown, undefined> {
    const wait = this.wait
    if (wait !== undefined) {
      // Resumed from the trap, which finishes only once a slot is reserved for this put: woken
      // with one, or its attempt found one when the kernel ran it.
      this.wait = undefined
      wait.next(sent)
      const item = this.item as T
      this.item = undefined
      this.queue._putReserved(item)
      return this
    }
    if (this.done) {
      throw new TypeError(
        `operation ${this.queue.constructor.name}.put was already used: an operation runs once, call the function again for a new one`,
      )
    }
    this.done = true
    const item = this.item as T
    this.item = undefined
    if (this.queue._offer(item)) return this
    const trap = this.queue._waitToPut()
    const step = trap.next()
    if (step.done === true) {
      // Its attempt found a slot after all, and reserved it.
      this.queue._putReserved(item)
      return this
    }
    this.item = item
    this.wait = trap
    return step
  }

  throw(error: unknown): never {
    const wait = this.wait
    this.done = true
    this.item = undefined
    this.wait = undefined
    if (wait !== undefined) wait.throw(error)
    throw error
  }

  return(value?: undefined): this {
    const wait = this.wait
    this.done = true
    this.item = undefined
    this.wait = undefined
    if (wait !== undefined) wait.return(true)
    this.value = value
    return this
  }
}

/** `yield* queue.put(item)`, typed as the operation it is. */
export function put<T>(queue: PutTarget<T>, item: T): Operation<void> {
  return new Put(queue, item) as unknown as Operation<void>
}
