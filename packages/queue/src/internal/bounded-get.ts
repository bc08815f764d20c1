import { MUST_WAIT, type Operation } from '@curio/kernel'

/** What a `BoundedGet` needs of its queue (`Queue`'s internal methods of the same names). */
export interface GetSource<T> {
  /** The next item now, or `MUST_WAIT`; throws `QueueClosed` once closed and drained. */
  readonly _tryGet: () => T | typeof MUST_WAIT
  /** The wait-queue trap of a getter that waits for an item. */
  _waitToGet(): Operation<T>
  /** A getter that waited resumes with its item: if it was handed over, its slot frees now. */
  _afterWait(): void
}

/**
 * `yield* q.get()` on a bounded queue: the next item, taken when the task reaches the `yield*`,
 * or the wait-queue trap's hand-over once the queue is empty, after which the queue frees the
 * handed item's slot, right before the getter resumes with it (`Queue.handed` says why).
 *
 * Discussion: the operation is its own iterator and iterator result, like `Put` (put.ts): a get
 * that finds an item costs this one object and no trap; one that waits makes the trap then and
 * delegates to it as `yield*` would, handing the trap itself up to the kernel. It replaces a
 * wrapper around a trap made on every call (put.ts has the figures, measured with the put). The
 * trap keeps its attempt (`Queue.takeNow`): a trap forwarded by hand is tried again when the
 * kernel runs it, and an item may have come by then. Taking at once is no cancellation point, as the
 * trap's own attempt was not; waiting is, and a getter cancelled or timed out while waiting has
 * left the line (the trap's teardown) and takes nothing. It runs once (again is a `TypeError`),
 * and yielded without the star it reaches the kernel unstepped, which reports it.
 */
class BoundedGet<T> {
  declare value: T | undefined
  declare done: boolean
  declare private queue: GetSource<T>
  /** The wait-queue trap while the get waits for an item. */
  declare private wait: Operation<T> | undefined

  constructor(queue: GetSource<T>) {
    this.value = undefined
    this.done = false
    this.queue = queue
    this.wait = undefined
  }

  [Symbol.iterator](): this {
    return this
  }

  next(sent?: unknown): IteratorResult<unknown, T> {
    const wait = this.wait
    if (wait !== undefined) {
      this.wait = undefined
      this.value = wait.next(sent).value as T
      this.queue._afterWait()
      return this as IteratorResult<unknown, T>
    }
    if (this.done) {
      throw new TypeError(
        `operation ${this.queue.constructor.name}.get was already used: an operation runs once, call the function again for a new one`,
      )
    }
    this.done = true
    const item = this.queue._tryGet()
    if (item !== MUST_WAIT) {
      this.value = item
      return this as IteratorResult<unknown, T>
    }
    const trap = this.queue._waitToGet()
    const step = trap.next()
    if (step.done === true) {
      // Its attempt found an item after all (taken now, not handed over).
      this.value = step.value
      this.queue._afterWait()
      return this as IteratorResult<unknown, T>
    }
    this.wait = trap
    return step
  }

  throw(error: unknown): never {
    const wait = this.wait
    this.done = true
    this.wait = undefined
    if (wait !== undefined) wait.throw(error)
    throw error
  }

  return(value: T): IteratorResult<unknown, T> {
    const wait = this.wait
    this.done = true
    this.wait = undefined
    if (wait !== undefined) wait.return(value)
    this.value = value
    return this as IteratorResult<unknown, T>
  }
}

/** `yield* queue.get()` on a bounded queue, typed as the operation it is. */
export function boundedGet<T>(queue: GetSource<T>): Operation<T> {
  return new BoundedGet(queue) as unknown as Operation<T>
}
