import type { Socket as NetSocket } from 'node:net'
import { closedError, systemError } from './errors.js'
import { Connection } from './internal/connection.js'
import { ConnectionStream } from './internal/connection-stream.js'
import type { Stream } from './stream.js'

const WRITES = new Set(['write', 'writelines', 'flush'])

/**
 * One of the process's standard streams as a curio stream: the same operations as
 * `SocketStream` (`readline`, `read`, `eachLine`... on `stdin`; `write`, `writelines`, `flush`
 * on `stdout` and `stderr`), through the same read queue, so a read cancelled or timed out while
 * waiting takes nothing.
 *
 * Discussion: nothing touches `process.stdin` until the first read, and it is read from the OS
 * only while a task waits for input, so a program that has read what it wanted exits normally.
 * Writes wait while Node still holds the data (a slow terminal or a full pipe is backpressure).
 */
export class StdStream extends ConnectionStream implements Stream {
  /** `'stdin'`, `'stdout'` or `'stderr'`. */
  readonly name: 'stdin' | 'stdout' | 'stderr'
  private conn: Connection | undefined = undefined
  private closed = false

  /** The stream over `process[name]`; use the `stdin`, `stdout` and `stderr` exports. */
  constructor(name: 'stdin' | 'stdout' | 'stderr') {
    super()
    this.name = name
  }

  protected connection(syscall: string): Connection {
    if (this.closed) throw closedError(syscall, this.name)
    const input = this.name === 'stdin'
    if (input === WRITES.has(syscall)) {
      throw systemError('EBADF', syscall, `${this.name} is ${input ? 'not writable' : 'not readable'}`)
    }
    this.conn ??= input
      ? new Connection(process.stdin as NetSocket, true, { readOnDemand: true })
      : new Connection(process[this.name] as NetSocket, true, { readable: false })
    return this.conn
  }

  /**
   * Later calls on this stream throw EBADF; the process's stream itself stays open (it belongs to
   * the process, and `console.log` still uses it). Never blocks.
   */
  close(): void {
    this.closed = true
  }

  /** `using input = stdin` stops using it at the end of the block. */
  [Symbol.dispose](): void {
    this.close()
  }
}

/** The process's standard input, read line by line with `yield* stdin.readline()`. */
export const stdin: StdStream = new StdStream('stdin')
/** The process's standard output: `yield* stdout.write(Buffer.from('hi\n'))`. */
export const stdout: StdStream = new StdStream('stdout')
/** The process's standard error. */
export const stderr: StdStream = new StdStream('stderr')
