import type { Readable, Writable } from 'node:stream'
import { IncompleteRead } from '@curio/io'
import type { Operation } from '@curio/kernel'
import { EMPTY, PipeReader } from './internal/pipe-reader.js'
import { PipeWriter } from './internal/pipe-writer.js'
import { systemError } from './internal/system-error.js'

const NEWLINE = 0x0a

/**
 * A child's standard input, output or error as a curio stream (the `Stream` interface of
 * `@curio/io`): `read`, `readExactly`, `readline`, `readlines` on the child's output,
 * `write`, `writelines`, `flush` on its input; `close()` never blocks. Reads are cancel-safe:
 * a read cancelled or timed out while waiting has taken nothing.
 *
 * @example
 * ```ts
 * const p = new Popen(['ls', '-l'], { stdout: PIPE })
 * for (let line = yield* p.stdout!.readline(); line.length > 0; line = yield* p.stdout!.readline()) {
 *   console.log(line.toString().trimEnd())
 * }
 * ```
 */
export class PipeStream implements Disposable {
  private readonly reader: PipeReader | undefined
  private readonly writer: PipeWriter | undefined

  /** @internal a stream over the child's pipe(s): readable sources, or one writable sink */
  constructor(sources: readonly Readable[], sink?: Writable) {
    this.reader = sources.length > 0 ? new PipeReader(sources) : undefined
    this.writer = sink === undefined ? undefined : new PipeWriter(sink)
  }

  private readSide(syscall: string): PipeReader {
    if (this.reader === undefined)
      throw systemError('EBADF', syscall, 'this pipe is the child’s input: write to it')
    return this.reader
  }

  private writeSide(syscall: string): PipeWriter {
    if (this.writer === undefined)
      throw systemError('EBADF', syscall, 'this pipe is the child’s output: read from it')
    return this.writer
  }

  /**
   * Up to `max` bytes, waiting until at least one has arrived (empty at end of stream); with
   * `max < 0` (the default) everything until end of stream.
   */
  *read(max = -1): Operation<Buffer> {
    const pipe = this.readSide('read')
    if (max === 0) return EMPTY
    for (;;) {
      if (max > 0 && pipe.buffered > 0) return pipe.take(max)
      if (pipe.ended('read')) return pipe.takeExactly(pipe.buffered)
      yield* pipe.waitReadable()
    }
  }

  /** Exactly `n` bytes; throws `IncompleteRead` (with the `partial` bytes) at an early end of stream. */
  *readExactly(n: number): Operation<Buffer> {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`readExactly(n) takes a count >= 0, got ${n}`)
    const pipe = this.readSide('read_exactly')
    for (;;) {
      if (pipe.buffered >= n) return pipe.takeExactly(n)
      if (pipe.ended('read_exactly')) throw new IncompleteRead(pipe.takeExactly(pipe.buffered), n)
      yield* pipe.waitReadable()
    }
  }

  /** The next line, with its `\n`; at end of stream the last bytes without one, then an empty buffer. */
  *readline(): Operation<Buffer> {
    const pipe = this.readSide('readline')
    let scanned = 0
    for (;;) {
      const at = pipe.indexOf(NEWLINE, scanned)
      if (at >= 0) return pipe.takeExactly(at + 1)
      scanned = pipe.buffered
      if (pipe.ended('readline')) return pipe.takeExactly(pipe.buffered)
      yield* pipe.waitReadable()
    }
  }

  /** Every line until end of stream (nothing is taken until end of stream has been seen). */
  *readlines(): Operation<Buffer[]> {
    const pipe = this.readSide('readlines')
    while (!pipe.ended('readlines')) yield* pipe.waitReadable()
    const all = pipe.takeExactly(pipe.buffered)
    const lines: Buffer[] = []
    for (let start = 0; start < all.length; ) {
      const at = all.indexOf(NEWLINE, start)
      const end = at < 0 ? all.length : at + 1
      lines.push(all.subarray(start, end))
      start = end
    }
    return lines
  }

  /**
   * Run `body` for each line until end of stream (Python's `async for line in p.stdout`);
   * `body` may be an operation (a generator function) or a plain function.
   */
  *eachLine(body: (line: Buffer) => Operation<unknown> | unknown): Operation<void> {
    for (;;) {
      const line = yield* this.readline()
      if (line.length === 0) return
      const step = body(line)
      if (isOperation(step)) yield* step
    }
  }

  /** Write all of `data` (a string is UTF-8); returns once Node has taken it. EPIPE if the child is gone. */
  *write(data: Uint8Array | string): Operation<void> {
    yield* this.writeSide('write').write([toBytes(data)], 'write')
  }

  /** Write each of `lines` (in one system call when they are ready together). */
  *writelines(lines: Iterable<Uint8Array | string>): Operation<void> {
    yield* this.writeSide('writelines').write(Array.from(lines, toBytes), 'writelines')
  }

  /** Wait until everything written so far has been handed to the OS. */
  *flush(): Operation<void> {
    yield* this.writeSide('flush').flush()
  }

  /**
   * Close without blocking. The child's input: pending data still goes out, then the child
   * reads end of file. Its output: unread bytes are dropped.
   */
  close(): void {
    this.reader?.close()
    this.writer?.close()
  }

  /** `using out = p.stdout` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close()
  }
}

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data) : data
}

function isOperation(value: unknown): value is Operation<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as Operation<unknown>).next === 'function'
  )
}
