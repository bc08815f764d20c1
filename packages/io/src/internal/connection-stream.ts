import type { Duplex } from 'node:stream'
import type { Operation } from '@curio/kernel'
import { IncompleteRead } from '../errors.js'
import type { Connection } from './connection.js'
import { type ConnectionSource, LineOp, ReadOp, WriteOp } from './io-op.js'

const NEWLINE = 0x0a

/** Split `all` after each `\n`; the last line may lack one. */
export function splitLines(all: Buffer): Buffer[] {
  const lines: Buffer[] = []
  let start = 0
  while (start < all.length) {
    const at = all.indexOf(NEWLINE, start)
    const end = at < 0 ? all.length : at + 1
    lines.push(all.subarray(start, end))
    start = end
  }
  return lines
}

/**
 * The stream operations over a `Connection` (its read queue, its write tracking), shared by
 * `SocketStream`, `NodeStream` and the standard streams: each says where its connection comes from.
 */
export abstract class ConnectionStream {
  /** The connection to use, or the error this call gets (EBADF once closed...). */
  protected abstract connection(syscall: string): Connection<Duplex>

  /** @internal `connection` for the operations in `io-op.ts` */
  readonly _source: ConnectionSource = { connection: (syscall) => this.connection(syscall) }

  /**
   * Up to `max` bytes, waiting until at least one has arrived (empty at end of stream); with
   * `max < 0` (the default) everything until end of stream.
   */
  read(max = -1): Operation<Buffer> {
    // One small object, no generator: the hot path of stream servers (see `IoOp`).
    return new ReadOp(this._source, max, 'read', false) as unknown as Operation<Buffer>
  }

  /** Exactly `n` bytes; throws `IncompleteRead` (with the `partial` bytes) at an early end of stream. */
  *readExactly(n: number): Operation<Buffer> {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`readExactly(n) takes a count >= 0, got ${n}`)
    const conn = this.connection('read_exactly')
    for (;;) {
      if (conn.buffered >= n) return conn.takeExactly(n)
      if (conn.ended('read_exactly')) throw new IncompleteRead(conn.takeExactly(conn.buffered), n)
      yield* conn.waitReadable()
    }
  }

  /**
   * The next line, with its `\n`; at end of stream the last bytes without one, then an empty
   * array.
   */
  readline(): Operation<Buffer> {
    return new LineOp(this._source) as unknown as Operation<Buffer>
  }

  /**
   * Every line until end of stream. Cancel-safe too: nothing is taken until end of stream has
   * been seen.
   */
  *readlines(): Operation<Buffer[]> {
    const conn = this.connection('readlines')
    while (!conn.ended('readlines')) yield* conn.waitReadable()
    return splitLines(conn.takeExactly(conn.buffered))
  }

  /**
   * Write all of `data` (a string as UTF-8); returns once Node has taken it (so the buffer may
   * be reused).
   */
  write(data: Uint8Array | string): Operation<void> {
    return new WriteOp(this._source, toBytes(data), 'write', false) as unknown as Operation<void>
  }

  /**
   * Write each of `lines`, in order. An array is sent in one system call; any other iterable
   * is consumed lazily, each line written as it is taken (as Curio does), so backpressure and
   * timeouts apply to an endless generator instead of reading it into memory forever.
   */
  *writelines(lines: Iterable<Uint8Array | string>): Operation<void> {
    const conn = this.connection('writelines')
    if (Array.isArray(lines)) {
      const ticket = conn.sendMany(lines.map(toBytes), 'writelines')
      if (ticket !== 0) yield* conn.waitWritten(ticket, 'writelines')
      return
    }
    for (const line of lines) {
      const ticket = conn.send(toBytes(line), 'writelines')
      if (ticket !== 0) yield* conn.waitWritten(ticket, 'writelines')
    }
  }

  /** Wait until everything written so far has been handed to the OS. */
  *flush(): Operation<void> {
    yield* this.connection('flush').waitWritten()
  }

  /**
   * Run `body` for each line until end of stream (Python's `async for line in stream`); `body`
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
}

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data) : data
}

/** True for what a generator function returns (an operation to `yield*`). */
export function isOperation(value: unknown): value is Operation<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Operation<unknown>).next === 'function' &&
    typeof (value as Operation<unknown>).throw === 'function'
  )
}
