/**
 * A FIFO of waiters that can be handed a value: the building block of every object here that
 * gives something to the waiter it wakes (a lock, a semaphore permit, a queue item).
 *
 * Discussion: the kernel's `WaitQueue.wake` wakes the oldest task but cannot say which one, nor
 * hand it anything. So each waiting task suspends on a wait queue of its own, and this list
 * keeps them in order. `queue.wake(1)` returning 0 means the task left while waiting (cancelled
 * or timed out: the kernel tore the wait down), so it takes nothing and the next one is tried.
 * A task that was woken keeps what it was handed even if a cancellation arrives before it
 * runs: the kernel resumes it with the value and leaves the cancellation pending.
 * (Kept in step with @curio/queue's copy until the kernel offers this; see the package README.)
 */
import { getCurrentTask, type Operation, type Task, WaitQueue } from '@curio/kernel'

const EXTERNAL = { external: true }

/** What `attempt` returns when the operation cannot finish now and must wait in line. */
export const WAIT: unique symbol = Symbol('curio.wait')

/** One waiter: a suspended task or a pending promise. `data` travels with it (a queued put's item). */
export abstract class Waiter<T> {
  declare prevWaiter: Waiter<T> | undefined
  declare nextWaiter: Waiter<T> | undefined
  declare linked: boolean
  /** The waiting task; undefined for a promise waiter. */
  declare task: Task<unknown> | undefined
  declare readonly data: unknown

  // Discussion: the base class assigns its fields in the constructor, as the kernel's Trap
  // does: with class-field initializers in both base and subclass, allocating a waiter was
  // measured 2-3x slower (every blocking call makes one). The subclasses keep initializers:
  // a subclass with none and an explicit constructor hit a far slower V8 path under tsx.
  constructor(data: unknown) {
    this.prevWaiter = undefined
    this.nextWaiter = undefined
    this.linked = false
    this.task = undefined
    this.data = data
  }
  /** Hand `value` over; false when the waiter is gone and took nothing. */
  abstract deliver(value: T): boolean
  /** Wake it with `error`; false when the waiter is gone. */
  abstract fail(error: unknown): boolean
}

/**
 * A blocking operation that first tries to finish at once (`attempt`), else waits in `list`
 * until handed its result. It is its own iterator, list node and iterator result, so a call
 * that does not block costs one object, and one that blocks adds a wait queue and a trap.
 *
 * Discussion: written by hand instead of as `function*` because it is the hot path of every
 * lock, semaphore and queue: a generator per call plus one for the wait doubled the cost of a
 * queue hand-off. `yield*` drives it exactly like a generator: `next()` yields the kernel's
 * suspend trap, `next(sent)` finishes, `throw(e)` (cancellation) leaves the line first.
 */
export class WaitOperation<T> extends Waiter<T> {
  value: T | undefined = undefined
  done = false
  /** 0 fresh, 1 waiting in line, 2 finished. */
  private stage = 0
  private failed = false
  private error: unknown = undefined
  private queue: WaitQueue | undefined = undefined
  private trap: Operation<void> | undefined = undefined

  constructor(
    private readonly list: WaiterList<T>,
    private readonly state: string,
    private readonly attempt: (op: WaitOperation<T>) => T | typeof WAIT,
    data: unknown,
  ) {
    super(data)
  }

  next(sent?: unknown): IteratorResult<never, T> {
    if (this.stage === 0) {
      this.stage = 2
      const result = this.attempt(this)
      if (result !== WAIT) return this.finish(result)
      this.task = getCurrentTask()
      this.queue = new WaitQueue(this.list.external ? EXTERNAL : undefined)
      this.trap = this.queue.suspend(this.state)
      this.list.push(this)
      this.stage = 1
      return this.trap.next() as IteratorResult<never, T>
    }
    if (this.stage === 1) {
      this.stage = 2
      this.trap!.next(sent)
      if (this.failed) throw this.error
      return this.finish(this.value as T)
    }
    throw new TypeError('this operation was already used: an operation runs once, call the method again')
  }

  throw(error: unknown): never {
    if (this.stage === 1) this.list.remove(this)
    this.stage = 2
    throw error
  }

  return(value?: T): IteratorResult<never, T> {
    if (this.stage === 1) this.list.remove(this)
    this.stage = 2
    return this.finish(value as T)
  }

  [Symbol.iterator](): this {
    return this
  }

  deliver(value: T): boolean {
    this.value = value
    return this.queue!.wake(1) === 1
  }

  fail(error: unknown): boolean {
    this.failed = true
    this.error = error
    return this.queue!.wake(1) === 1
  }

  /** Typed for `yield*`: the kernel only ever sees the trap it yields. */
  asOperation(): Operation<T> {
    return this as unknown as Operation<T>
  }

  private finish(value: T): IteratorResult<never, T> {
    this.value = value
    this.done = true
    return this as unknown as IteratorResult<never, T>
  }
}

class PromiseWaiter<T> extends Waiter<T> {
  resolve: (value: T) => void = noop
  reject: (error: unknown) => void = noop
  signal: AbortSignal | undefined = undefined
  onAbort: (() => void) | undefined = undefined

  deliver(value: T): boolean {
    this.forget()
    this.resolve(value)
    return true
  }

  fail(error: unknown): boolean {
    this.forget()
    this.reject(error)
    return true
  }

  forget(): void {
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort)
    this.onAbort = undefined
  }
}

function noop(): void {}

/** The FIFO. Task waiters of an `external` list hold the virtual clock (the outside world ends them). */
export class WaiterList<T> {
  private head: Waiter<T> | undefined = undefined
  private tail: Waiter<T> | undefined = undefined

  constructor(readonly external = false) {}

  /** True when nobody waits (cancelled waiters not yet resumed may still count). */
  get empty(): boolean {
    return this.head === undefined
  }

  /** An operation: `attempt()` at once, else wait in line until handed a value or an error. */
  op(state: string, attempt: (op: WaitOperation<T>) => T | typeof WAIT, data?: unknown): Operation<T> {
    return new WaitOperation<T>(this, state, attempt, data).asOperation()
  }

  /** Wait from promise code; `signal` withdraws the waiter (it then takes nothing). */
  waitAsync(signal?: AbortSignal, data?: unknown): Promise<T> {
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      return Promise.reject(new TypeError('the signal option must be an AbortSignal'))
    }
    if (signal?.aborted) return Promise.reject(signal.reason)
    const waiter = new PromiseWaiter<T>(data)
    const promise = new Promise<T>((resolve, reject) => {
      waiter.resolve = resolve
      waiter.reject = reject
    })
    if (signal !== undefined) {
      waiter.signal = signal
      waiter.onAbort = () => {
        waiter.forget()
        this.remove(waiter)
        waiter.reject(signal.reason)
      }
      signal.addEventListener('abort', waiter.onAbort, { once: true })
    }
    this.push(waiter)
    return promise
  }

  /** Hand `value` to the oldest waiter still there; return it, or undefined if there was none. */
  wakeOne(value: T): Waiter<T> | undefined {
    for (let waiter = this.shift(); waiter !== undefined; waiter = this.shift()) {
      if (waiter.deliver(value)) return waiter
    }
    return undefined
  }

  /** Hand `value` to every waiter, oldest first. */
  wakeAll(value: T): void {
    while (this.wakeOne(value) !== undefined) {}
  }

  /** Wake every waiter with an error made for it, oldest first. */
  failAll(makeError: () => unknown): void {
    for (let waiter = this.shift(); waiter !== undefined; waiter = this.shift()) waiter.fail(makeError())
  }

  push(waiter: Waiter<T>): void {
    waiter.linked = true
    waiter.prevWaiter = this.tail
    if (this.tail === undefined) this.head = waiter
    else this.tail.nextWaiter = waiter
    this.tail = waiter
  }

  remove(waiter: Waiter<T>): void {
    if (!waiter.linked) return
    waiter.linked = false
    if (waiter.prevWaiter === undefined) this.head = waiter.nextWaiter
    else waiter.prevWaiter.nextWaiter = waiter.nextWaiter
    if (waiter.nextWaiter === undefined) this.tail = waiter.prevWaiter
    else waiter.nextWaiter.prevWaiter = waiter.prevWaiter
    waiter.prevWaiter = waiter.nextWaiter = undefined
  }

  private shift(): Waiter<T> | undefined {
    const waiter = this.head
    if (waiter !== undefined) this.remove(waiter)
    return waiter
  }
}
