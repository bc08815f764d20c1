import type { Connection } from './internal/connection.js'
import { ConnectionStream } from './internal/connection-stream.js'
import type { Socket } from './socket.js'
import type { Stream } from './stream.js'

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
export class SocketStream extends ConnectionStream implements Stream {
  /** The socket this stream reads and writes. */
  readonly socket: Socket

  constructor(socket: Socket) {
    super()
    this.socket = socket
  }

  protected connection(syscall: string): Connection {
    return this.socket.connection(syscall)
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
