import type { Operation } from '@curio/kernel'
import { QueueClosed, QueueEmpty, QueueFull } from './errors.js'
import { Fifo, type Storage } from './internal/storage.js'
import { checkCount } from './internal/validate.js'
import { WAIT, WaiterList, type WaitOperation } from './internal/waiters.js'

/**
 * A FIFO queue between tasks, unbounded (`maxsize` 0, the default) or bounded. Blocked getters
 * and putters are served in FIFO order with no barging: an item put while a getter waits goes
 * to that getter, and a slot freed while a putter waits takes that putter's item. A getter or
 * putter cancelled while waiting takes or leaves nothing. `close()` ends it: blocked callers
 * get `QueueClosed`, later `put`s throw it, `get` drains what is left and then throws it.
 *
 * @example
 * const q = new Queue<string>(10)
 * yield* q.put('job')
 * console.log(yield* q.get()) // job
 */
export class Queue<T> {
  /** Most items it holds; 0 means unbounded. */
  readonly maxsize: number
  /** @internal the items; subclasses pick the order */
  protected items: Storage<T> = new Fifo<T>()
  private readonly getters: WaiterList<T>
  private readonly putters: WaiterList<void>
  private readonly joiners: WaiterList<void>
  /** Items put and not yet marked done. */
  private unfinished = 0
  private shut = false

  private readonly tryPut = (op: WaitOperation<void>): void | typeof WAIT =>
    this.offer(op.data as T) ? undefined : WAIT

  private readonly tryGet = (): T | typeof WAIT => {
    if (this.items.length > 0) return this.take()
    if (this.shut) throw new QueueClosed()
    return WAIT
  }

  private readonly isDone = (): void | typeof WAIT => (this.unfinished === 0 ? undefined : WAIT)

  constructor(maxsize = 0) {
    checkCount(maxsize, 0, `${new.target.name}(maxsize)`)
    this.maxsize = maxsize
    const external = this.externalWaits
    this.getters = new WaiterList<T>(external)
    this.putters = new WaiterList<void>(external)
    this.joiners = new WaiterList<void>(external)
  }

  /** @internal true for queues shared with the outside world: task waits then hold a virtual clock */
  protected get externalWaits(): boolean {
    return false
  }

  /** How many items it holds. */
  get size(): number {
    return this.items.length
  }

  /** True when it holds no item. */
  empty(): boolean {
    return this.items.length === 0
  }

  /** True when bounded and holding `maxsize` items. */
  full(): boolean {
    return this.maxsize > 0 && this.items.length >= this.maxsize
  }

  /** True once `close()` was called. */
  closed(): boolean {
    return this.shut
  }

  /** Add an item, waiting while the queue is full. Throws `QueueClosed` once closed. */
  put(item: T): Operation<void> {
    return this.putters.op('QUEUE_PUT', this.tryPut, item)
  }

  /** Add an item now; throws `QueueFull` when full, `QueueClosed` once closed. */
  putNowait(item: T): void {
    if (!this.offer(item)) throw new QueueFull()
  }

  /** Take the next item, waiting while the queue is empty. Throws `QueueClosed` once closed and drained. */
  get(): Operation<T> {
    return this.getters.op('QUEUE_GET', this.tryGet)
  }

  /** Take the next item now; throws `QueueEmpty` when empty, `QueueClosed` once closed and drained. */
  getNowait(): T {
    if (this.items.length > 0) return this.take()
    throw this.shut ? new QueueClosed() : new QueueEmpty()
  }

  /** Wait until every item put has been marked done with `taskDone()`. */
  join(): Operation<void> {
    return this.joiners.op('QUEUE_JOIN', this.isDone)
  }

  /** Mark one item got earlier as processed; throws if called more often than items were put. */
  taskDone(): void {
    if (this.unfinished === 0)
      throw new Error(`${this.constructor.name}.taskDone() called more times than items were put`)
    if (--this.unfinished === 0) this.joiners.wakeAll(undefined)
  }

  /** Close it: blocked getters and putters get `QueueClosed`; items already in it can still be got. */
  close(): void {
    if (this.shut) return
    this.shut = true
    // Blocked getters exist only while the queue is empty, so they have nothing left to drain.
    this.getters.failAll(() => new QueueClosed())
    this.putters.failAll(() => new QueueClosed())
  }

  /** @internal `UniversalQueue.putAsync`: promise putters wait in the same FIFO as tasks */
  protected _putAsync(item: T, signal: AbortSignal | undefined): Promise<void> {
    try {
      if (this.offer(item)) return Promise.resolve()
    } catch (error) {
      return Promise.reject(error)
    }
    return this.putters.waitAsync(signal, item)
  }

  /** @internal `UniversalQueue.getAsync` */
  protected _getAsync(signal: AbortSignal | undefined): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.take())
    if (this.shut) return Promise.reject(new QueueClosed())
    return this.getters.waitAsync(signal)
  }

  /** @internal `UniversalQueue.joinAsync` */
  protected _joinAsync(signal: AbortSignal | undefined): Promise<void> {
    if (this.unfinished === 0) return Promise.resolve()
    return this.joiners.waitAsync(signal)
  }

  /** Put without waiting: hand to a blocked getter, else store if there is room. */
  private offer(item: T): boolean {
    if (this.shut) throw new QueueClosed()
    // Getters wait only on an empty queue; handing straight over keeps their FIFO order.
    if (this.items.length === 0 && !this.getters.empty && this.getters.wakeOne(item) !== undefined) {
      this.unfinished++
      return true
    }
    if (this.maxsize > 0 && this.items.length >= this.maxsize) return false
    this.items.push(item)
    this.unfinished++
    return true
  }

  /** Remove the next item; the freed slot goes to the oldest blocked putter. */
  private take(): T {
    const item = this.items.take()
    if (!this.putters.empty) {
      const putter = this.putters.wakeOne(undefined)
      if (putter !== undefined) {
        this.items.push(putter.data as T)
        this.unfinished++
      }
    }
    return item
  }
}
