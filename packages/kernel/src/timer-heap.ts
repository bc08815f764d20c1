/** An entry in the kernel's deadline heap: a sleep, or a task's nearest timeout. */
export interface TimerEntry {
  deadline: number
  /** Tie-breaker so equal deadlines fire in the order they were set. */
  seq: number
  /** Position in the heap, -1 when not in it. Lets teardown remove in O(log n). */
  heapIndex: number
  expire(now: number): void
}

/**
 * Binary min-heap of deadlines with O(log n) removal. The kernel keeps one Node timer for the
 * nearest deadline instead of one per sleep (Node timers cost ~200 bytes and a list insert each).
 */
export class TimerHeap {
  private heap: TimerEntry[] = []
  private nextSeq = 0

  get size(): number {
    return this.heap.length
  }

  peek(): TimerEntry | undefined {
    return this.heap[0]
  }

  add(entry: TimerEntry, deadline: number): void {
    if (entry.heapIndex >= 0) this.remove(entry)
    entry.deadline = deadline
    entry.seq = this.nextSeq++
    entry.heapIndex = this.heap.length
    this.heap.push(entry)
    this.up(entry.heapIndex)
  }

  remove(entry: TimerEntry): void {
    const i = entry.heapIndex
    if (i < 0) return
    entry.heapIndex = -1
    const last = this.heap.pop()!
    if (i === this.heap.length) return
    this.heap[i] = last
    last.heapIndex = i
    this.down(i)
    this.up(last.heapIndex)
  }

  /** Removes and returns the nearest entry if its deadline is at or before `now`. */
  popExpired(now: number): TimerEntry | undefined {
    const top = this.heap[0]
    if (top === undefined || top.deadline > now) return undefined
    this.remove(top)
    return top
  }

  clear(): void {
    for (const e of this.heap) e.heapIndex = -1
    this.heap.length = 0
  }

  private less(a: TimerEntry, b: TimerEntry): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq)
  }

  private up(i: number): void {
    const h = this.heap
    const e = h[i]!
    while (i > 0) {
      const p = (i - 1) >> 1
      const pe = h[p]!
      if (!this.less(e, pe)) break
      h[i] = pe
      pe.heapIndex = i
      i = p
    }
    h[i] = e
    e.heapIndex = i
  }

  private down(i: number): void {
    const h = this.heap
    const n = h.length
    const e = h[i]!
    for (;;) {
      let c = 2 * i + 1
      if (c >= n) break
      if (c + 1 < n && this.less(h[c + 1]!, h[c]!)) c++
      const ce = h[c]!
      if (!this.less(ce, e)) break
      h[i] = ce
      ce.heapIndex = i
      i = c
    }
    h[i] = e
    e.heapIndex = i
  }
}
