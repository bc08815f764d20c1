import { keepMaps } from './keep-maps.js'
import type { Kernel } from './kernel.js'
import type { Operation } from './operation.js'
import type { Task } from './task.js'
import { DELIVER, describeValue, NOT_NOW, Trap } from './trap.js'

/** Options for `new WaitQueue`. */
export interface WaitQueueOptions {
  /**
   * Waits that only the outside world can end (socket, process, worker events). They hold the
   * virtual clock: time does not jump while one is pending.
   */
  external?: boolean
}

/** Options for `WaitQueue.waitAsync`. */
export interface WaitAsyncOptions {
  /** Withdraws the waiter (it takes nothing) and rejects with the signal's reason. */
  signal?: AbortSignal
}

/** What a `suspend` attempt returns when it cannot finish now: the task waits in line. */
export const MUST_WAIT: unique symbol = Symbol('curio.mustWait')

/** A place in a wait queue: a suspended task, or a pending promise. */
interface WaitNode {
  prevNode: WaitNode | undefined
  nextNode: WaitNode | undefined
  queued: boolean
  /** The kernel of a waiting task (undefined for a promise waiter). */
  readonly kernel: Kernel | undefined
  resume(value: unknown): void
  fail(error: unknown): void
}

/** One waiting task: the suspend trap is also its queue node. */
class SuspendTrap extends Trap implements WaitNode {
  prevNode: WaitNode | undefined = undefined
  nextNode: WaitNode | undefined = undefined
  queued = false
  private task: Task<unknown> | undefined = undefined

  constructor(
    private readonly queue: WaitQueue<any>,
    private readonly state: string,
    private readonly attempt: (() => unknown) | undefined,
  ) {
    super()
  }

  get kernel(): Kernel | undefined {
    return this.task?._kernel
  }

  // Finishing at once is no blocking call, so no cancellation point either.
  override _now(): unknown {
    if (this.attempt === undefined) return NOT_NOW
    const value = this.attempt()
    return value === MUST_WAIT ? NOT_NOW : value
  }

  run(kernel: Kernel, task: Task<unknown>): unknown {
    // `_s === 3`: `next` just tried `_now`, and nothing has run since (the kernel resets it
    // to 1 for a trap forwarded by hand).
    if (this._s !== 3) {
      const now = this._now()
      if (now !== NOT_NOW) return now
    }
    if (!kernel._mayBlock(task)) return DELIVER
    this.task = task
    this.queue._append(this)
    return kernel._block(task, this)
  }

  override _state(): string {
    return this.state
  }

  override teardown(): void {
    this.queue._unlink(this)
  }

  resume(value: unknown): void {
    this.task!._kernel._wake(this.task!, value)
  }

  fail(error: unknown): void {
    this.task!._kernel._wakeThrow(this.task!, error)
  }

  describe(): string {
    return `WaitQueue.suspend(${this.state})`
  }
}

/** One waiting promise, in the same line as the tasks. */
class AsyncWaiter implements WaitNode {
  prevNode: WaitNode | undefined = undefined
  nextNode: WaitNode | undefined = undefined
  queued = false
  readonly kernel = undefined
  resolve: (value: unknown) => void = noop
  reject: (error: unknown) => void = noop
  onAbort: (() => void) | undefined = undefined

  constructor(readonly signal: AbortSignal | undefined) {}

  resume(value: unknown): void {
    this.forget()
    this.resolve(value)
  }

  fail(error: unknown): void {
    this.forget()
    this.reject(error)
  }

  forget(): void {
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort)
    this.onAbort = undefined
  }
}

function noop(): void {}

/**
 * A FIFO of waiters, tasks and promises in one line: the primitive every blocking object is
 * built on. `wake` can hand each waiter a value, and works from a task and from plain
 * callbacks outside any task.
 *
 * Discussion: a waiter that was cancelled or timed out has left the line (its teardown
 * unlinked it), so `wake` only ever reaches waiters that are still there, and returns how
 * many it reached. A task woken with a value keeps it even if a cancellation arrives before
 * it runs: the kernel resumes it with the value and leaves the cancellation pending. So a
 * lock, permit or item handed over is never lost and never handed to a waiter that is gone.
 */
export class WaitQueue<T = void> {
  readonly external: boolean
  /** How many tasks and promises are waiting. */
  length = 0
  private head: WaitNode | undefined = undefined
  private tail: WaitNode | undefined = undefined

  constructor(options: WaitQueueOptions = {}) {
    this.external = options.external ?? false
  }

  /**
   * Suspend the current task here until woken, showing `state` as its state; returns the
   * value it was woken with. Cancellable: a cancelled waiter leaves the queue, taking nothing.
   *
   * With `attempt`, the operation first tries to finish at once (when the task reaches it,
   * not when it is created): whatever `attempt` returns other than `MUST_WAIT` is the result,
   * without blocking. One object per call, no generator: the hot path of locks and queues.
   */
  suspend(state = 'WAIT_QUEUE', attempt?: () => T | typeof MUST_WAIT): Operation<T> {
    if (typeof state !== 'string') throw new TypeError('WaitQueue.suspend(state) takes a state name string')
    if (attempt !== undefined && typeof attempt !== 'function') {
      throw new TypeError(`WaitQueue.suspend(state, attempt) takes a function, got ${describeValue(attempt)}`)
    }
    return new SuspendTrap(this, state, attempt) as unknown as Operation<T>
  }

  /** Wait from promise code, in the same line as the tasks; resolves with the wake value. */
  waitAsync(options: WaitAsyncOptions = {}): Promise<T> {
    const signal = options.signal
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      return Promise.reject(new TypeError('waitAsync({ signal }) takes an AbortSignal'))
    }
    if (signal?.aborted) return Promise.reject(signal.reason)
    const waiter = new AsyncWaiter(signal)
    const promise = new Promise<T>((resolve, reject) => {
      waiter.resolve = resolve as (value: unknown) => void
      waiter.reject = reject
    })
    if (signal !== undefined) {
      waiter.onAbort = () => {
        waiter.forget()
        this._unlink(waiter)
        waiter.reject(signal.reason)
      }
      signal.addEventListener('abort', waiter.onAbort, { once: true })
    }
    this._append(waiter)
    return promise
  }

  /** Wake up to `n` waiters, oldest first, handing each `value`; returns how many were woken. */
  wake(n = 1, value?: T): number {
    let woken = 0
    while (woken < n) {
      const node = this.head
      if (node === undefined) break
      this._unlink(node)
      node.resume(value)
      woken++
    }
    return woken
  }

  /** Wake every waiter with `value`; returns how many were woken. */
  wakeAll(value?: T): number {
    return this.wake(Number.POSITIVE_INFINITY, value)
  }

  /**
   * Wake every waiter by throwing an error into it (rejecting a promise waiter), oldest first;
   * `makeError` makes one per waiter. Returns how many were woken. For `close()` methods.
   */
  failAll(makeError: () => unknown): number {
    let woken = 0
    for (let node = this.head; node !== undefined; node = this.head) {
      this._unlink(node)
      node.fail(makeError())
      woken++
    }
    return woken
  }

  /** @internal */
  _append(node: WaitNode): void {
    node.queued = true
    node.prevNode = this.tail
    if (this.tail === undefined) this.head = node
    else this.tail.nextNode = node
    this.tail = node
    this.length++
    if (this.external && node.kernel !== undefined) node.kernel._external++
  }

  /** @internal */
  _unlink(node: WaitNode): void {
    if (!node.queued) return
    node.queued = false
    if (node.prevNode === undefined) this.head = node.nextNode
    else node.prevNode.nextNode = node.nextNode
    if (node.nextNode === undefined) this.tail = node.prevNode
    else node.nextNode.prevNode = node.prevNode
    node.prevNode = node.nextNode = undefined
    this.length--
    if (this.external && node.kernel !== undefined) node.kernel._external--
  }
}

{
  const queue = new WaitQueue()
  keepMaps(queue, new SuspendTrap(queue, 'WAIT_QUEUE', undefined), new AsyncWaiter(undefined)) // keep-maps.ts
}
