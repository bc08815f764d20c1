import type { Operation } from '@curio/kernel'
import { IncompleteRead } from './errors.js'
import { EMPTY } from './internal/connection.js'
import type { Socket } from './socket.js'

const NEWLINE = 0x0a

/**
 * File-like reading and writing over a connected socket: `read`, `readExactly`, `readline`,
 * `write`. It shares the socket's buffer, so socket and stream calls can be mixed, and every
 * read is cancel-safe: a read cancelled or timed out while waiting has taken nothing.
 *
 * @example
 * ```ts
 * const stream = client.asStream()
 * for (;;) {
 *   const line = yield* stream.readline()
 *   if (line.length === 0) break
 *   yield* stream.write(line)
 * }
 * ```
 */
export class SocketStream implements Disposable {
  /** The socket this stream reads and writes. */
  readonly socket: Socket

  constructor(socket: Socket) {
    this.socket = socket
  }

  /**
   * Up to `max` bytes, waiting until at least one has arrived (empty at end of stream); with
   * `max < 0` (the default) everything until end of stream.
   */
  *read(max = -1): Operation<Buffer> {
    const conn = this.socket.connection('read')
    if (max === 0) return EMPTY
    for (;;) {
      if (max > 0 && conn.buffered > 0) return conn.take(max)
      if (conn.ended('read')) return conn.takeExactly(conn.buffered)
      yield* conn.waitReadable()
    }
  }

  /** Exactly `n` bytes; throws `IncompleteRead` (with the `partial` bytes) at an early end of stream. */
  *readExactly(n: number): Operation<Buffer> {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`readExactly(n) takes a count >= 0, got ${n}`)
    const conn = this.socket.connection('read_exactly')
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
  *readline(): Operation<Buffer> {
    const conn = this.socket.connection('readline')
    let scanned = 0
    for (;;) {
      const at = conn.indexOf(NEWLINE, scanned)
      if (at >= 0) return conn.takeExactly(at + 1)
      scanned = conn.buffered
      if (conn.ended('readline')) return conn.takeExactly(conn.buffered)
      yield* conn.waitReadable()
    }
  }

  /**
   * Every line until end of stream. Cancel-safe too: nothing is taken until end of stream has
   * been seen.
   */
  *readlines(): Operation<Buffer[]> {
    const conn = this.socket.connection('readlines')
    while (!conn.ended('readlines')) yield* conn.waitReadable()
    const all = conn.takeExactly(conn.buffered)
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

  /** Write all of `data`; returns once Node has taken it (so the buffer may be reused). */
  *write(data: Uint8Array): Operation<void> {
    const conn = this.socket.connection('write')
    const ticket = conn.send(data, 'write')
    if (ticket !== 0) yield* conn.waitWritten(ticket, 'write')
  }

  /** Write each of `lines` (in one system call when they are ready together). */
  *writelines(lines: Iterable<Uint8Array>): Operation<void> {
    const conn = this.socket.connection('writelines')
    const ticket = conn.sendMany([...lines], 'writelines')
    if (ticket !== 0) yield* conn.waitWritten(ticket, 'writelines')
  }

  /** Wait until everything written so far has been handed to the OS. */
  *flush(): Operation<void> {
    yield* this.socket.connection('flush').waitWritten()
  }

  /** Close the socket underneath; never blocks (pending data is still sent). */
  close(): void {
    this.socket.close()
  }

  /** `using stream = sock.asStream()` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close()
  }
}
