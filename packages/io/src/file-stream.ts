import { type FileHandle, open } from 'node:fs/promises'
import {
  awaitPromise,
  disableCancellation,
  type Operation,
  ReadResourceBusy,
  WriteResourceBusy,
} from '@curio/kernel'
import { closedError, IncompleteRead, systemError } from './errors.js'
import { isOperation, splitLines } from './internal/connection-stream.js'
import type { Stream } from './stream.js'

/** Bytes asked of the OS per read when looking for a line. */
const CHUNK = 64 * 1024
const NEWLINE = 0x0a
const EMPTY = Buffer.alloc(0)

/**
 * Python's `open` modes to Node's flags: `r`, `w`, `a`, `x`, each with an optional `+`, and
 * `b` or `t` (accepted, ignored: a `FileStream` reads and writes bytes, as a `SocketStream` does).
 */
export function nodeFlags(mode: string): string {
  const kinds = [...mode].filter((c) => 'rwax'.includes(c))
  const valid =
    /^[rwax+bt]+$/.test(mode) &&
    kinds.length === 1 &&
    new Set(mode).size === mode.length &&
    !(mode.includes('b') && mode.includes('t'))
  if (!valid) {
    throw new TypeError(
      `invalid mode ${JSON.stringify(mode)}: use r, w, a or x, with an optional + and b or t (as in Python)`,
    )
  }
  const plus = mode.includes('+') ? '+' : ''
  return kinds[0] === 'x' ? `wx${plus}` : `${kinds[0]}${plus}`
}

/**
 * Open `path` with a Python mode (`'r'`, `'rb'`, `'w'`, `'a+'`, `'x'`...) and return a
 * `FileStream`. Errors are Node's (`ENOENT`, `EACCES`, `EISDIR`, `EEXIST` for `x`...); an
 * invalid mode is a `TypeError`.
 *
 * @example
 * ```ts
 * const f = yield* aopen('data.txt', 'r')
 * try {
 *   yield* f.eachLine((line) => console.log(line.toString().trimEnd()))
 * } finally {
 *   f.close()
 * }
 * ```
 */
export function* aopen(path: string, mode = 'r'): Operation<FileStream> {
  const flags = nodeFlags(mode)
  const opening = open(path, flags)
  let handle: FileHandle
  try {
    handle = yield* awaitPromise(opening)
  } catch (error) {
    // Cancelled while Node opens it: the file opens anyway, and nobody else will close it.
    opening.then((h) => h.close()).catch(() => {})
    throw error
  }
  try {
    // Linux opens a directory for reading; Python (and every later read) says EISDIR: say it now.
    if ((yield* awaitPromise(handle.stat())).isDirectory()) {
      const error = systemError('EISDIR', 'open', `illegal operation on a directory, open '${path}'`)
      Object.assign(error, { path })
      throw error
    }
  } catch (error) {
    handle.close().catch(() => {})
    throw error
  }
  return new FileStream(handle, path, flags.startsWith('a'))
}

/**
 * A file opened by `aopen`, with the `Stream` operations of a `SocketStream` (`read`,
 * `readExactly`, `readline`, `readlines`, `eachLine`, `write`, `writelines`, `flush`) plus
 * `seek`, `tell` and `truncate`. Every call that touches the file is an operation run through
 * Node's thread pool (`fs.promises`), so other tasks run meanwhile.
 *
 * Discussion: the stream keeps its own position and reads at it (`pread`), buffering ahead for
 * `readline`. A read cancelled or timed out while Node works has moved nothing: the next read
 * starts at the same place. A write, once handed to Node, is finished before a cancellation is
 * delivered, so the position always matches what is in the file.
 */
export class FileStream implements Stream {
  /** The path it was opened with. */
  readonly path: string
  private readonly handle: FileHandle
  private readonly append: boolean
  /** Logical position: where the next read takes bytes from (undefined: at the end, after an append). */
  private pos: number | undefined = 0
  /** Bytes read ahead, starting at `pos`. */
  private ahead: Buffer = EMPTY
  private busy = false
  private closed = false

  /** @internal use `aopen` */
  constructor(handle: FileHandle, path: string, append: boolean) {
    this.handle = handle
    this.path = path
    this.append = append
  }

  // ---- reading ---------------------------------------------------------------------------

  /** Up to `max` bytes (empty at end of file); with `max < 0` (the default) the rest of the file. */
  *read(max = -1): Operation<Buffer> {
    return yield* this.op('read', function* (this: FileStream) {
      if (max === 0) return EMPTY
      if (max < 0) {
        while ((yield* this.fill(CHUNK)) > 0) {}
        return this.take(this.ahead.length)
      }
      if (this.ahead.length === 0) yield* this.fill(Math.max(max, CHUNK))
      return this.take(Math.min(max, this.ahead.length))
    })
  }

  /** Exactly `n` bytes; `IncompleteRead` (with the `partial` bytes) if the file ends first. */
  *readExactly(n: number): Operation<Buffer> {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`readExactly(n) takes a count >= 0, got ${n}`)
    return yield* this.op('read_exactly', function* (this: FileStream) {
      while (this.ahead.length < n) {
        if ((yield* this.fill(Math.max(n - this.ahead.length, CHUNK))) === 0) {
          throw new IncompleteRead(this.take(this.ahead.length), n)
        }
      }
      return this.take(n)
    })
  }

  /** The next line, with its `\n`; at end of file the last bytes without one, then empty. */
  *readline(): Operation<Buffer> {
    return yield* this.op('readline', function* (this: FileStream) {
      let scanned = 0
      for (;;) {
        const at = this.ahead.indexOf(NEWLINE, scanned)
        if (at >= 0) return this.take(at + 1)
        scanned = this.ahead.length
        if ((yield* this.fill(CHUNK)) === 0) return this.take(this.ahead.length)
      }
    })
  }

  /** Every line to the end of the file. */
  *readlines(): Operation<Buffer[]> {
    return splitLines(yield* this.read())
  }

  /**
   * Run `body` for each line to the end of the file (Python's `async for line in f`); `body`
   * may be an operation (a generator function) or a plain function.
   */
  *eachLine(body: (line: Buffer) => Operation<unknown> | unknown): Operation<void> {
    for (;;) {
      const line = yield* this.readline()
      if (line.length === 0) return
      const step = body(line)
      if (isOperation(step)) yield* step
    }
  }

  // ---- writing ---------------------------------------------------------------------------

  /** Write all of `data` (a string is written as UTF-8) at the position, or at the end in append mode. */
  *write(data: Uint8Array | string): Operation<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data
    yield* this.op('write', function* (this: FileStream) {
      yield* this.writeAll(bytes)
    })
  }

  /**
   * Write each of `lines`, in order: an array in one write, any other iterable lazily, each line
   * as it is taken (so an endless generator is bounded by timeouts, not by memory).
   */
  *writelines(lines: Iterable<Uint8Array | string>): Operation<void> {
    if (!Array.isArray(lines)) {
      for (const line of lines) yield* this.write(line)
      return
    }
    const all = Buffer.concat(
      lines.map((l: Uint8Array | string) => (typeof l === 'string' ? Buffer.from(l) : l)),
    )
    yield* this.op('writelines', function* (this: FileStream) {
      yield* this.writeAll(all)
    })
  }

  /** Writes are handed to the OS as they are made; `flush` only checks the file is still open. */
  *flush(): Operation<void> {
    if (this.closed) throw closedError('flush', 'file')
  }

  // ---- position --------------------------------------------------------------------------

  /** The position, in bytes from the start. */
  *tell(): Operation<number> {
    return yield* this.op('tell', function* (this: FileStream) {
      return yield* this.position()
    })
  }

  /**
   * Move to `offset` from the start (`whence` 0), the position (1) or the end (2); returns
   * the new position.
   */
  *seek(offset: number, whence: 0 | 1 | 2 = 0): Operation<number> {
    return yield* this.op('seek', function* (this: FileStream) {
      const base =
        whence === 0
          ? 0
          : whence === 1
            ? yield* this.position()
            : (yield* awaitPromise(this.handle.stat())).size
      const target = base + offset
      if (!Number.isInteger(target) || target < 0) {
        throw systemError('EINVAL', 'seek', `cannot seek to ${target}`)
      }
      this.pos = target
      this.ahead = EMPTY
      return target
    })
  }

  /** Cut (or extend) the file to `size` bytes, default the position; the position stays. */
  *truncate(size?: number): Operation<number> {
    return yield* this.op('truncate', function* (this: FileStream) {
      const at = size ?? (yield* this.position())
      yield* disableCancellation(awaitPromise(this.handle.truncate(at)))
      this.ahead = EMPTY
      return at
    })
  }

  // ---- closing ---------------------------------------------------------------------------

  /** Close without blocking (Node releases the descriptor in the background); later calls throw EBADF. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.handle.close().catch(() => {})
  }

  /** `using f = yield* aopen(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close()
  }

  // ---- inside ----------------------------------------------------------------------------

  /** Run one call, alone: a file has one position, so a second call while one waits is refused. */
  private *op<T>(syscall: string, body: (this: FileStream) => Operation<T>): Operation<T> {
    if (this.closed) throw closedError(syscall, 'file')
    if (this.busy) {
      const Busy = syscall.startsWith('read') ? ReadResourceBusy : WriteResourceBusy
      throw new Busy('another task is already using this file')
    }
    this.busy = true
    try {
      const value = yield* body.call(this)
      if (this.closed) throw closedError(syscall, 'file')
      return value
    } finally {
      this.busy = false
    }
  }

  private *position(): Operation<number> {
    this.pos ??= (yield* awaitPromise(this.handle.stat())).size
    return this.pos
  }

  /** Read up to `n` more bytes after those read ahead; returns how many (0 at end of file). */
  private *fill(n: number): Operation<number> {
    const from = (yield* this.position()) + this.ahead.length
    const buffer = Buffer.allocUnsafe(n)
    const { bytesRead } = yield* awaitPromise(this.handle.read(buffer, 0, n, from))
    if (bytesRead > 0) {
      const got = buffer.subarray(0, bytesRead)
      this.ahead = this.ahead.length === 0 ? got : Buffer.concat([this.ahead, got])
    }
    return bytesRead
  }

  private take(n: number): Buffer {
    const out = this.ahead.subarray(0, n)
    this.ahead = this.ahead.subarray(n)
    this.pos = this.pos! + n
    return out
  }

  private *writeAll(data: Uint8Array): Operation<void> {
    // Handed to Node, a write happens: it is finished before a cancellation is delivered.
    yield* disableCancellation(
      function* (this: FileStream): Operation<void> {
        // O_APPEND: the OS writes at the end whatever the position, so none is given.
        let at: number | null = this.append ? null : yield* this.position()
        let done = 0
        while (done < data.length) {
          const { bytesWritten } = yield* awaitPromise(this.handle.write(data, done, data.length - done, at))
          done += bytesWritten
          if (at !== null) at += bytesWritten
        }
        this.pos = at ?? undefined
        this.ahead = EMPTY
      }.bind(this),
    )
  }
}
