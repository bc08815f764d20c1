/**
 * FIFO of tasks on a growable ring buffer: `Array.shift` on a long ready queue is O(n), this
 * is O(1) for both ends and never shrinks (the ready queue's size is the program's shape).
 */
export class RingQueue<T> {
  private items: (T | undefined)[] = new Array(16)
  private head = 0
  private mask = 15
  length = 0

  push(item: T): void {
    if (this.length > this.mask) this.grow()
    this.items[(this.head + this.length) & this.mask] = item
    this.length++
  }

  /** The first item, left in place. */
  peek(): T | undefined {
    return this.length === 0 ? undefined : this.items[this.head]
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined
    const item = this.items[this.head]
    this.items[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.length--
    return item
  }

  private grow(): void {
    const old = this.items
    const size = old.length
    const next: (T | undefined)[] = new Array(size * 2)
    for (let i = 0; i < size; i++) next[i] = old[(this.head + i) & this.mask]
    this.items = next
    this.head = 0
    this.mask = size * 2 - 1
  }
}
