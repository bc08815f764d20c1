/**
 * A FIFO of waiters that can be handed a value: the building block of every object here that
 * gives something to the waiter it wakes (a lock, a semaphore permit, a result).
 *
 * Discussion: the kernel's `WaitQueue.wake` wakes the oldest task but cannot say which one, nor
 * hand it anything. So each waiting task suspends on a wait queue of its own, and this list
 * keeps them in order. `queue.wake(1)` returning 0 means the task left while waiting (cancelled
 * or timed out: the kernel tore the wait down), so it takes nothing and the next one is tried.
 * A task that was woken keeps what it was handed even if a cancellation arrives before it
 * runs: the kernel resumes it with the value and leaves the cancellation pending.
 * (Kept in step with @curio/sync's copy until the kernel offers this; see the package README.)
 */
import { getCurrentTask, type Operation, type Task, WaitQueue } from '@curio/kernel'

const EXTERNAL = { external: true }

/** One waiter: a suspended task or a pending promise. `data` travels with it (a queued put's item). */
export abstract class Waiter<T> {
  prev: Waiter<T> | undefined = undefined
  next: Waiter<T> | undefined = undefined
  linked = false
  constructor(readonly data: unknown) {}
  /** The waiting task; undefined for a promise waiter. */
  abstract readonly task: Task<unknown> | undefined
  /** Hand `value` over; false when the waiter is gone and took nothing. */
  abstract deliver(value: T): boolean
  /** Wake it with `error`; false when the waiter is gone. */
  abstract fail(error: unknown): boolean
}

class TaskWaiter<T> extends Waiter<T> {
  readonly task = getCurrentTask()
  readonly queue: WaitQueue
  value: T | undefined = undefined
  error: unknown = undefined
  failed = false

  constructor(data: unknown, external: boolean) {
    super(data)
    this.queue = new WaitQueue(external ? EXTERNAL : undefined)
  }

  deliver(value: T): boolean {
    this.value = value
    return this.queue.wake(1) === 1
  }

  fail(error: unknown): boolean {
    this.failed = true
    this.error = error
    return this.queue.wake(1) === 1
  }
}

class PromiseWaiter<T> extends Waiter<T> {
  readonly task = undefined
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

  constructor(private readonly external = false) {}

  /** True when nobody waits (cancelled waiters not yet resumed may still count). */
  get empty(): boolean {
    return this.head === undefined
  }

  /** Wait from a task until handed a value (returned) or an error (thrown). */
  *wait(state: string, data?: unknown): Operation<T> {
    const waiter = new TaskWaiter<T>(data, this.external)
    this.push(waiter)
    try {
      yield* waiter.queue.suspend(state)
    } catch (error) {
      this.remove(waiter)
      throw error
    }
    if (waiter.failed) throw waiter.error
    return waiter.value as T
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

  private push(waiter: Waiter<T>): void {
    waiter.linked = true
    waiter.prev = this.tail
    if (this.tail === undefined) this.head = waiter
    else this.tail.next = waiter
    this.tail = waiter
  }

  private shift(): Waiter<T> | undefined {
    const waiter = this.head
    if (waiter !== undefined) this.remove(waiter)
    return waiter
  }

  private remove(waiter: Waiter<T>): void {
    if (!waiter.linked) return
    waiter.linked = false
    if (waiter.prev === undefined) this.head = waiter.next
    else waiter.prev.next = waiter.next
    if (waiter.next === undefined) this.tail = waiter.prev
    else waiter.next.prev = waiter.prev
    waiter.prev = waiter.next = undefined
  }
}
