import { Duplex, Stream as NodeStreamBase, type Readable, type Writable } from 'node:stream'
import { closedError, systemError } from './errors.js'
import { Connection } from './internal/connection.js'
import { ConnectionStream } from './internal/connection-stream.js'
import type { Stream } from './stream.js'

const WRITES = new Set(['write', 'writelines', 'flush'])

/** Which way a `NodeStream` goes (default: the ways the Node stream itself goes). */
export interface NodeStreamOptions {
  /** False: reads throw `EBADF`, and nothing is read from the Node stream. */
  readable?: boolean
  /**
   * False: writes throw `EBADF`, and `close()` destroys the Node stream at once (so a process
   * still writing to the other end of a pipe gets `EPIPE`).
   */
  writable?: boolean
}

/** A readable and a writable Node stream used as one curio stream. */
export interface NodeStreamPair {
  /** Where reads come from. */
  readable?: Readable
  /** Where writes go. */
  writable?: Writable
}

/**
 * The curio `Stream` over any Node stream: a `net.Socket` (a child process's pipes are ones), a
 * duplex, a readable, a writable, or a `{ readable, writable }` pair. It has the same read
 * queue, flow control and write tracking as `SocketStream`: a read cancelled or timed out while
 * waiting takes nothing, a producer faster than the reader fills its own buffers (not ours), and
 * a write returns once Node has taken the data. Errors come as Node reports them (`EPIPE`...).
 *
 * Discussion: the Node stream's `'error'` events are taken here, so a broken pipe never crashes
 * the process; the error is thrown by the next operation instead (after any buffered bytes).
 *
 * @example
 * ```ts
 * const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'inherit'] })
 * const input = new NodeStream(child.stdin, { readable: false })
 * const output = new NodeStream(child.stdout, { writable: false })
 * yield* input.write('hello\n')
 * input.close()
 * console.log((yield* output.read()).toString()) // hello
 * ```
 */
export class NodeStream extends ConnectionStream implements Stream {
  private readonly conn: Connection<Duplex>
  private readonly readable: boolean
  private readonly writable: boolean

  constructor(stream: Readable | Writable | NodeStreamPair, options: NodeStreamOptions = {}) {
    let node: Readable | Writable
    let readable: boolean
    let writable: boolean
    if (stream instanceof NodeStreamBase) {
      node = stream
      readable = options.readable ?? 'read' in stream
      writable = options.writable ?? 'write' in stream
    } else {
      if (stream.readable === undefined && stream.writable === undefined) {
        throw new TypeError('new NodeStream({ readable, writable }) needs at least one of them')
      }
      readable = (options.readable ?? true) && stream.readable !== undefined
      writable = (options.writable ?? true) && stream.writable !== undefined
      node =
        stream.readable !== undefined && stream.writable !== undefined
          ? Duplex.from({ readable: stream.readable, writable: stream.writable })
          : (stream.readable ?? stream.writable)!
    }
    super()
    this.readable = readable
    this.writable = writable
    // A one-way stream is only ever used its own way: `connection()` refuses the other.
    this.conn = new Connection(node as Duplex, true, { readable: this.readable, writable: this.writable })
  }

  protected connection(syscall: string): Connection<Duplex> {
    const conn = this.conn
    if (conn.closed) throw closedError(syscall, 'stream')
    const writing = WRITES.has(syscall)
    if (writing ? !this.writable : !this.readable) {
      throw systemError('EBADF', syscall, `stream is not ${writing ? 'writable' : 'readable'}`)
    }
    return conn
  }

  /**
   * Close without blocking: waiters wake and get `EBADF`; pending writes still go out, then the
   * other end reads end of stream; unread bytes are dropped.
   */
  close(): void {
    this.conn.close()
  }

  /** `using stream = new NodeStream(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close()
  }
}
