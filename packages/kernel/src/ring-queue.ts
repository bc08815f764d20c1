/**
 * FIFO of tasks on a growable ring buffer: `Array.shift` on a long ready queue is O(n), this
 * is O(1) for both ends and never shrinks (the ready queue's size is the program's shape).
 */
export class RingQueue<T> {
  private items: (T | undefined)[] = new Array(16).fill(undefined)
  private head = 0
  private mask = 15
  length = 0

  push(item: T): void {
    if (this.length > this.mask) this.grow()
    this.items[(this.head + this.length) & this.mask] = item
    this.length++
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined
    const item = this.items[this.head]
    this.items[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.length--
    return item
  }

  // Discussion: the new array is built by concat of packed arrays, not made with
  // `new Array(2 * size)` and filled slot by slot: past 32k slots V8 makes a preallocated
  // array a dictionary (slow elements), and growing a ready queue to 64k tasks then cost 12%
  // of a spawn+join of 10k tasks; concat is one copy in V8's C++.
  private grow(): void {
    const old = this.items
    const size = old.length
    const head = this.head
    const free = new Array<T | undefined>(size).fill(undefined)
    this.items = head === 0 ? old.concat(free) : old.slice(head).concat(old.slice(0, head), free)
    this.head = 0
    this.mask = size * 2 - 1
  }
}
