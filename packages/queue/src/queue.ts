import { MUST_WAIT, type Operation, WaitQueue } from '@curio/kernel'
import { QueueClosed, QueueEmpty, QueueFull } from './errors.js'
import { boundedGet, type GetSource } from './internal/bounded-get.js'
import { keepMaps } from './internal/keep-maps.js'
import { type PutTarget, put } from './internal/put.js'
import { Fifo, type Storage } from './internal/storage.js'
import { checkCount } from './internal/validate.js'

/**
 * A FIFO queue between tasks, unbounded (`maxsize` 0, the default) or bounded. Blocked getters
 * and putters are served in FIFO order with no barging: an item put while a getter waits goes
 * to that getter, and a slot freed while a putter waits is reserved for that putter. A getter or
 * putter cancelled while waiting takes or leaves nothing. `close()` ends it: blocked callers
 * get `QueueClosed`, later `put`s throw it, `get` drains what is left and then throws it.
 *
 * @example
 * const q = new Queue<string>(10)
 * yield* q.put('job')
 * console.log(yield* q.get()) // job
 */
export class Queue<T> implements PutTarget<T>, GetSource<T> {
  /** Most items it holds; 0 means unbounded. */
  readonly maxsize: number
  /** @internal the items; subclasses pick the order */
  protected items: Storage<T> = new Fifo<T>()
  /** Blocked getters, handed an item when one arrives. */
  private readonly getters: WaitQueue<T>
  /** Blocked putters, woken with `true` when a slot is reserved for them. */
  private readonly putters: WaitQueue<true>
  private readonly joiners: WaitQueue
  /**
   * Slots given to putters whose item is not in yet: woken putters, which add it when they run,
   * and a waiting put whose trap's attempt found a slot (`reserveNow`), which adds it at once.
   *
   * Discussion: the kernel's WaitQueue hands a value to the waiter it wakes but cannot hand
   * the waiter's item back, so a freed slot is reserved for the oldest putter instead: the
   * queue counts as full until it has put, and nobody else can take the slot meanwhile.
   */
  private reserved = 0
  /**
   * Items handed straight to woken getters that have not resumed yet.
   *
   * Discussion: in Curio the item stays in the queue until the woken getter runs and pops it,
   * so it still counts against `maxsize`; a producer and a slow consumer then interleave
   * `put 0, put 1, get 0, put 2, ...` for `Queue(2)` (Curio's `test_queue_bounded`). Handing
   * over at once is what keeps FIFO order without barging, so the slot is held until then.
   */
  private handed = 0
  /** Set by `takeNow` and cleared by the same `get` right after: no other task runs between. */
  private tookNow = false
  /** Items put and not yet marked done. */
  private unfinished = 0
  private shut = false

  /** @internal The next item now, or `MUST_WAIT`: an unbounded get's attempt, a bounded get's first try. */
  readonly _tryGet = (): T | typeof MUST_WAIT => {
    if (this.items.length > 0) return this.take()
    if (this.shut && this.reserved === 0) throw new QueueClosed()
    return MUST_WAIT
  }

  /** A task getter's attempt: notes that the item was taken now, not handed over later. */
  private readonly takeNow = (): T | typeof MUST_WAIT => {
    const item = this._tryGet()
    if (item !== MUST_WAIT) this.tookNow = true
    return item
  }

  /**
   * A waiting putter's attempt: reserves a free slot for it (`true`, as a wake hands it), which
   * it fills when it resumes, right after. Bound once, so a put that waits needs no closure over
   * its item.
   */
  private readonly reserveNow = (): true | typeof MUST_WAIT => {
    if (this.shut) throw new QueueClosed()
    if (this.held() >= this.maxsize) return MUST_WAIT
    this.reserved++
    return true
  }

  private readonly isDone = (): void | typeof MUST_WAIT => (this.unfinished === 0 ? undefined : MUST_WAIT)

  constructor(maxsize = 0) {
    checkCount(maxsize, 0, `${new.target.name}(maxsize)`)
    this.maxsize = maxsize
    const options = { external: this.externalWaits }
    this.getters = new WaitQueue<T>(options)
    this.putters = new WaitQueue<true>(options)
    this.joiners = new WaitQueue(options)
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

  /** True when bounded and holding (or promised to blocked putters) `maxsize` items. */
  full(): boolean {
    return this.maxsize > 0 && this.held() >= this.maxsize
  }

  /** True once `close()` was called. */
  closed(): boolean {
    return this.shut
  }

  /** Add an item, waiting while the queue is full. Throws `QueueClosed` once closed. */
  put(item: T): Operation<void> {
    // One small object; a trap only when the queue is full (internal/put.ts).
    return put(this, item)
  }

  /** Add an item now; throws `QueueFull` when full, `QueueClosed` once closed. */
  putNowait(item: T): void {
    if (!this._offer(item)) throw new QueueFull()
  }

  /** Take the next item, waiting while the queue is empty. Throws `QueueClosed` once closed and drained. */
  get(): Operation<T> {
    // Unbounded, no slot is held for a handed item (`handed`): one trap, no wrapper.
    if (this.maxsize === 0) return this.getters.suspend('QUEUE_GET', this._tryGet)
    return boundedGet(this)
  }

  /** Take the next item now; throws `QueueEmpty` when empty, `QueueClosed` once closed and drained. */
  getNowait(): T {
    if (this.items.length > 0) return this.take()
    throw this.shut && this.reserved === 0 ? new QueueClosed() : new QueueEmpty()
  }

  /** Wait until every item put has been marked done with `taskDone()`. */
  join(): Operation<void> {
    return this.joiners.suspend('QUEUE_JOIN', this.isDone)
  }

  /** Mark one item got earlier as processed; throws if called more often than items were put. */
  taskDone(): void {
    if (this.unfinished === 0) {
      throw new Error(`${this.constructor.name}.taskDone() called more times than items were put`)
    }
    if (--this.unfinished === 0) this.joiners.wakeAll()
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
      if (this._offer(item)) return Promise.resolve()
    } catch (error) {
      return Promise.reject(error)
    }
    return this.putters.waitAsync({ signal }).then(() => this._putReserved(item))
  }

  /** @internal `UniversalQueue.getAsync` */
  protected _getAsync(signal: AbortSignal | undefined): Promise<T> {
    try {
      const item = this._tryGet()
      if (item !== MUST_WAIT) return Promise.resolve(item)
    } catch (error) {
      return Promise.reject(error)
    }
    return this.getters.waitAsync({ signal }).then((item) => {
      this.handedOver()
      return item
    })
  }

  /** @internal `UniversalQueue.joinAsync` */
  protected _joinAsync(signal: AbortSignal | undefined): Promise<void> {
    if (this.unfinished === 0) return Promise.resolve()
    return this.joiners.waitAsync({ signal })
  }

  /** @internal `Put`: a putter that found the queue full waits in line until a slot is reserved for it */
  _waitToPut(): Operation<true> {
    return this.putters.suspend('QUEUE_PUT', this.reserveNow)
  }

  /** @internal `BoundedGet`: a getter that found the queue empty waits in line */
  _waitToGet(): Operation<T> {
    return this.getters.suspend('QUEUE_GET', this.takeNow)
  }

  /** @internal `BoundedGet`: a getter that waited resumes with its item; if it was handed over, its slot frees now */
  _afterWait(): void {
    if (this.tookNow) this.tookNow = false
    else this.handedOver()
  }

  /** @internal Put without waiting if there is room (false when full); throws once closed. */
  _offer(item: T): boolean {
    if (this.shut) throw new QueueClosed()
    if (this.maxsize > 0 && this.held() >= this.maxsize) return false
    this.store(item)
    return true
  }

  /** @internal A woken putter puts the item its slot was reserved for. */
  _putReserved(item: T): void {
    this.reserved--
    this.store(item)
    this.refill()
  }

  /** Hand the item to the oldest blocked getter, else keep it. */
  private store(item: T): void {
    this.unfinished++
    // Getters wait only on an empty queue; handing straight over keeps their FIFO order.
    if (this.items.length === 0 && this.getters.length > 0 && this.getters.wake(1, item) === 1) {
      if (this.maxsize > 0) this.handed++
      return
    }
    this.items.push(item)
  }

  /** A getter handed an item has resumed with it: its slot is free now. */
  private handedOver(): void {
    if (this.maxsize === 0) return
    this.handed--
    this.refill()
  }

  /** Slots in use: items held, slots reserved for woken putters, items on their way to getters. */
  private held(): number {
    return this.items.length + this.reserved + this.handed
  }

  /** Remove the next item; the freed slot goes to the oldest blocked putter. */
  private take(): T {
    const item = this.items.take()
    this.refill()
    return item
  }

  /** Give free slots to blocked putters, oldest first. */
  private refill(): void {
    while (this.putters.length > 0 && this.held() < this.maxsize) {
      if (this.putters.wake(1, true) === 0) break
      this.reserved++
    }
  }
}

// Exemplars (internal/keep-maps.ts): a queue, a put, and a bounded get.
{
  const queue = new Queue<unknown>()
  keepMaps(queue, queue.put(undefined), new Queue<unknown>(1).get())
}
