import type { Storage } from './storage.js'

interface Entry<T> {
  item: T
  seq: number
}

/**
 * A binary min-heap by `compare`; items that compare equal come out in the order they went in
 * (a sequence number breaks ties), so equal priorities stay FIFO.
 */
export class Heap<T> implements Storage<T> {
  private readonly entries: Entry<T>[] = []
  private seq = 0

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get length(): number {
    return this.entries.length
  }

  push(item: T): void {
    const entries = this.entries
    const entry = { item, seq: this.seq++ }
    let i = entries.length
    entries.push(entry)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(entry, entries[parent]!)) break
      entries[i] = entries[parent]!
      i = parent
    }
    entries[i] = entry
  }

  take(): T {
    const entries = this.entries
    const top = entries[0]!
    const last = entries.pop()!
    const n = entries.length
    if (n > 0) {
      let i = 0
      for (;;) {
        let child = 2 * i + 1
        if (child >= n) break
        if (child + 1 < n && this.less(entries[child + 1]!, entries[child]!)) child++
        if (!this.less(entries[child]!, last)) break
        entries[i] = entries[child]!
        i = child
      }
      entries[i] = last
    }
    return top.item
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    const c = this.compare(a.item, b.item)
    return c < 0 || (c === 0 && a.seq < b.seq)
  }
}
