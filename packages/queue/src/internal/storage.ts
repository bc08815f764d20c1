/** Where a queue keeps its items; the kind of queue decides which one comes out next. */
export interface Storage<T> {
  readonly length: number
  push(item: T): void
  /** Remove and return the next item; only called when `length > 0`. */
  take(): T
}

/** First in, first out, on a growable ring buffer (O(1) at both ends, unlike `Array.shift`). */
export class Fifo<T> implements Storage<T> {
  private items: (T | undefined)[] = []
  private head = 0
  private mask = -1
  length = 0

  push(item: T): void {
    if (this.length > this.mask) this.grow()
    this.items[(this.head + this.length) & this.mask] = item
    this.length++
  }

  take(): T {
    const item = this.items[this.head] as T
    this.items[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.length--
    return item
  }

  private grow(): void {
    const old = this.items
    const size = Math.max(8, old.length * 2)
    const next: (T | undefined)[] = new Array(size)
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & this.mask]
    this.items = next
    this.head = 0
    this.mask = size - 1
  }
}

/** Last in, first out. */
export class Lifo<T> implements Storage<T> {
  private readonly items: T[] = []

  get length(): number {
    return this.items.length
  }

  push(item: T): void {
    this.items.push(item)
  }

  take(): T {
    return this.items.pop() as T
  }
}
