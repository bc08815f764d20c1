/** An entry in the kernel's deadline heap: a sleep, or a task's nearest timeout. */
export interface TimerEntry {
  /** Position in the heap, -1 when not in it. Lets teardown remove in O(log n). */
  heapIndex: number
  expire(now: number): void
}

/**
 * Binary min-heap of deadlines with O(log n) removal. The kernel keeps one Node timer for the
 * nearest deadline instead of one per sleep (Node timers cost ~200 bytes and a list insert each).
 *
 * Discussion: deadlines and their tie-breaking sequence numbers live in typed arrays beside the
 * entries, by heap position, not in fields of each entry. A fractional number in a field is a
 * 16-byte heap object of its own in V8; with both numbers moved here, a sleeping task is 40
 * bytes smaller (bench row heap/suspended), and comparisons read no entry at all.
 */
export class TimerHeap {
  private heap: TimerEntry[] = []
  private deadlines = new Float64Array(16)
  /** Tie-breaker so equal deadlines fire in the order they were set. */
  private seqs = new Float64Array(16)
  private nextSeq = 0

  get size(): number {
    return this.heap.length
  }

  peek(): TimerEntry | undefined {
    return this.heap[0]
  }

  /** The nearest deadline, Infinity when there is none. */
  nextDeadline(): number {
    return this.heap.length === 0 ? Number.POSITIVE_INFINITY : this.deadlines[0]!
  }

  /** The deadline `entry` is in the heap for, or undefined when it is not in it. */
  deadlineOf(entry: TimerEntry): number | undefined {
    return entry.heapIndex < 0 ? undefined : this.deadlines[entry.heapIndex]
  }

  add(entry: TimerEntry, deadline: number): void {
    if (entry.heapIndex >= 0) this.remove(entry)
    const i = this.heap.length
    if (i === this.deadlines.length) this.grow()
    this.heap.push(entry)
    this.place(i, entry, deadline, this.nextSeq++)
    this.up(i)
  }

  remove(entry: TimerEntry): void {
    const i = entry.heapIndex
    if (i < 0) return
    entry.heapIndex = -1
    const end = this.heap.length - 1
    const last = this.heap.pop()!
    if (i === end) return
    this.place(i, last, this.deadlines[end]!, this.seqs[end]!)
    this.down(i)
    this.up(last.heapIndex)
  }

  /** Removes and returns the nearest entry if its deadline is at or before `now`. */
  popExpired(now: number): TimerEntry | undefined {
    const top = this.heap[0]
    if (top === undefined || this.deadlines[0]! > now) return undefined
    this.remove(top)
    return top
  }

  clear(): void {
    for (const e of this.heap) e.heapIndex = -1
    this.heap.length = 0
  }

  private grow(): void {
    const deadlines = new Float64Array(this.deadlines.length * 2)
    deadlines.set(this.deadlines)
    this.deadlines = deadlines
    const seqs = new Float64Array(this.seqs.length * 2)
    seqs.set(this.seqs)
    this.seqs = seqs
  }

  private place(i: number, entry: TimerEntry, deadline: number, seq: number): void {
    this.heap[i] = entry
    this.deadlines[i] = deadline
    this.seqs[i] = seq
    entry.heapIndex = i
  }

  private up(i: number): void {
    const h = this.heap
    const d = this.deadlines
    const q = this.seqs
    const e = h[i]!
    const ed = d[i]!
    const eq = q[i]!
    while (i > 0) {
      const p = (i - 1) >> 1
      const pd = d[p]!
      if (pd < ed || (pd === ed && q[p]! < eq)) break
      this.place(i, h[p]!, pd, q[p]!)
      i = p
    }
    this.place(i, e, ed, eq)
  }

  private down(i: number): void {
    const h = this.heap
    const d = this.deadlines
    const q = this.seqs
    const n = h.length
    const e = h[i]!
    const ed = d[i]!
    const eq = q[i]!
    for (;;) {
      let c = 2 * i + 1
      if (c >= n) break
      if (c + 1 < n && (d[c + 1]! < d[c]! || (d[c + 1] === d[c] && q[c + 1]! < q[c]!))) c++
      const cd = d[c]!
      if (ed < cd || (ed === cd && eq < q[c]!)) break
      this.place(i, h[c]!, cd, q[c]!)
      i = c
    }
    this.place(i, e, ed, eq)
  }
}
