import type { Kernel } from './kernel.js'
import type { Operation } from './operation.js'
import type { Task } from './task.js'
import { DELIVER, Trap } from './trap.js'

/** Options for `new WaitQueue`. */
export interface WaitQueueOptions {
  /**
   * Waits that only the outside world can end (socket, process, worker events). They hold the
   * virtual clock: time does not jump while one is pending.
   */
  external?: boolean
}

/** One waiting task: the suspend trap is also the queue's list node. */
class SuspendTrap extends Trap {
  prevNode: SuspendTrap | undefined = undefined
  nextNode: SuspendTrap | undefined = undefined
  task: Task<unknown> | undefined = undefined
  queued = false

  constructor(
    private readonly queue: WaitQueue,
    private readonly state: string,
  ) {
    super()
  }

  run(kernel: Kernel, task: Task<unknown>): unknown {
    if (!kernel._mayBlock(task)) return DELIVER
    this.task = task
    this.queue._append(this)
    return kernel._block(task, this, this.state)
  }

  override teardown(): void {
    this.queue._unlink(this)
  }

  describe(): string {
    return `WaitQueue.suspend(${this.state})`
  }
}

/**
 * A FIFO of suspended tasks: the primitive every blocking object is built on. `wake` works
 * from a task and from plain callbacks outside any task.
 */
export class WaitQueue {
  readonly external: boolean
  /** How many tasks are waiting. */
  length = 0
  private head: SuspendTrap | undefined = undefined
  private tail: SuspendTrap | undefined = undefined

  constructor(options: WaitQueueOptions = {}) {
    this.external = options.external ?? false
  }

  /**
   * Suspend the current task here until woken, showing `state` as its state. Cancellable: a
   * cancelled waiter leaves the queue.
   */
  suspend(state = 'WAIT_QUEUE'): Operation<void> {
    if (typeof state !== 'string') throw new TypeError('WaitQueue.suspend(state) takes a state name string')
    return new SuspendTrap(this, state) as unknown as Operation<void>
  }

  /** Wake up to `n` waiters, oldest first; returns how many were woken. */
  wake(n = 1): number {
    let woken = 0
    while (woken < n) {
      const node = this.head
      if (node === undefined) break
      this._unlink(node)
      const task = node.task!
      task._kernel._wake(task, undefined)
      woken++
    }
    return woken
  }

  /** Wake every waiter; returns how many were woken. */
  wakeAll(): number {
    return this.wake(Number.POSITIVE_INFINITY)
  }

  /** @internal */
  _append(node: SuspendTrap): void {
    node.queued = true
    node.prevNode = this.tail
    if (this.tail === undefined) this.head = node
    else this.tail.nextNode = node
    this.tail = node
    this.length++
    if (this.external) node.task!._kernel._external++
  }

  /** @internal */
  _unlink(node: SuspendTrap): void {
    if (!node.queued) return
    node.queued = false
    if (node.prevNode === undefined) this.head = node.nextNode
    else node.prevNode.nextNode = node.nextNode
    if (node.nextNode === undefined) this.tail = node.prevNode
    else node.nextNode.prevNode = node.prevNode
    node.prevNode = node.nextNode = undefined
    this.length--
    if (this.external) node.task!._kernel._external--
  }
}
