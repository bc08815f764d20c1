import type { Readable } from 'node:stream'
import { type Operation, ReadResourceBusy, WaitQueue } from '@curio/kernel'
import { closedError } from './system-error.js'

/** Stop reading from the OS once this much is buffered and no task is waiting to read. */
const HIGH_WATER = 256 * 1024
/** Start reading again once the buffer has been drained below this. */
const LOW_WATER = 64 * 1024

/** What a read returns at end of stream. Zero bytes long, so sharing it is harmless. */
export const EMPTY: Buffer = Buffer.alloc(0)

/**
 * The read side of a child's pipe seen from tasks: chunks from Node wait here until a task
 * takes them. With several sources (standard error merged into standard output) chunks are
 * kept in arrival order, and end of stream comes when every source has ended.
 *
 * Discussion: a task never takes bytes while suspended. `'data'` appends and only *wakes* the
 * waiting reader, which takes what it needs once it runs, so a read cancelled or timed out
 * while waiting has taken nothing. Waits are external: only the child ends them, so a virtual
 * clock does not jump past them.
 *
 * Discussion (flow control): while a reader waits, the sources flow; when none does, they are
 * paused once `HIGH_WATER` bytes are buffered, so a child writing faster than the task reads
 * fills the OS pipe (and then blocks), not our memory.
 */
export class PipeReader {
  private chunks: Buffer[] = []
  /** Bytes in `chunks`. */
  buffered = 0
  private open: number
  private error: Error | undefined = undefined
  private closed = false
  private paused = false
  private readonly readers = new WaitQueue({ external: true })

  constructor(private readonly sources: readonly Readable[]) {
    this.open = sources.length
    for (const source of sources) {
      let ended = false
      const end = (): void => {
        if (ended) return
        ended = true
        this.open--
        this.readers.wakeAll()
      }
      source.on('data', this.onData)
      source.on('end', end)
      // Nothing more can arrive after 'close', even when Node never emitted 'end'.
      source.on('close', end)
      source.on('error', this.onError)
    }
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.closed) return
    this.chunks.push(chunk)
    this.buffered += chunk.length
    if (this.readers.length > 0) this.readers.wake(1)
    else if (this.buffered >= HIGH_WATER && !this.paused) {
      this.paused = true
      for (const source of this.sources) source.pause()
    }
  }

  private readonly onError = (error: Error): void => {
    this.error ??= error
    this.readers.wakeAll()
  }

  /**
   * Nothing (or not enough) is buffered: should the reader stop waiting? True at end of stream,
   * and after an error while bytes are still buffered (they come first). Throws EBADF after close.
   */
  ended(syscall: string): boolean {
    if (this.closed) throw closedError(syscall)
    if (this.error !== undefined) {
      if (this.buffered > 0) return true
      throw this.error
    }
    return this.open === 0
  }

  /** Suspend until something happens on the pipe; a second waiting reader is refused. */
  waitReadable(): Operation<void> {
    if (this.readers.length > 0) {
      throw new ReadResourceBusy('another task is already waiting to read from this pipe')
    }
    this.resume()
    return this.readers.suspend('READ_WAIT')
  }

  /** Take up to `max` bytes (at most one chunk, so no copy). Needs `buffered > 0`. */
  take(max: number): Buffer {
    const first = this.chunks[0]!
    let out: Buffer
    if (first.length <= max) {
      this.chunks.shift()
      out = first
    } else {
      out = first.subarray(0, max)
      this.chunks[0] = first.subarray(max)
    }
    this.taken(out.length)
    return out
  }

  /** Take exactly `n` bytes (`n <= buffered`), copying only when they span chunks. */
  takeExactly(n: number): Buffer {
    if (n === 0) return EMPTY
    if (this.chunks[0]!.length >= n) return this.take(n)
    const out = Buffer.allocUnsafe(n)
    let offset = 0
    while (offset < n) {
      const chunk = this.chunks[0]!
      const k = Math.min(chunk.length, n - offset)
      out.set(k === chunk.length ? chunk : chunk.subarray(0, k), offset)
      if (k === chunk.length) this.chunks.shift()
      else this.chunks[0] = chunk.subarray(k)
      offset += k
    }
    this.taken(n)
    return out
  }

  /** Offset of the first `byte` at or after `from` in the buffered bytes, or -1. */
  indexOf(byte: number, from: number): number {
    let base = 0
    for (const chunk of this.chunks) {
      const end = base + chunk.length
      if (from < end) {
        const i = chunk.indexOf(byte, from > base ? from - base : 0)
        if (i >= 0) return base + i
      }
      base = end
    }
    return -1
  }

  private taken(n: number): void {
    this.buffered -= n
    if (this.buffered < LOW_WATER) this.resume()
  }

  private resume(): void {
    if (!this.paused) return
    this.paused = false
    for (const source of this.sources) source.resume()
  }

  /**
   * Close without blocking: buffered bytes are dropped, waiters wake and get EBADF. The pipe is
   * destroyed, so a child still writing gets EPIPE (or SIGPIPE), as with any closed reader.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.chunks = []
    this.buffered = 0
    for (const source of this.sources) source.destroy()
    this.readers.failAll(() => closedError('read'))
  }
}
