import type { Operation } from '@curio/kernel'

/**
 * The operations every curio stream has (`SocketStream`, `FileStream`, `NodeStream`, the
 * standard streams): code written against `Stream` works on a socket, a file or a child's pipe.
 * Reads are cancel-safe: a read cancelled or timed out while waiting has taken nothing.
 */
export interface Stream extends Disposable {
  /** Up to `max` bytes (empty at end of stream); with `max < 0` (the default) everything until end of stream. */
  read(max?: number): Operation<Buffer>
  /** Exactly `n` bytes; throws `IncompleteRead` (with the `partial` bytes) at an early end of stream. */
  readExactly(n: number): Operation<Buffer>
  /** The next line, with its `\n`; at end of stream the last bytes without one, then an empty buffer. */
  readline(): Operation<Buffer>
  /** Every line until end of stream. */
  readlines(): Operation<Buffer[]>
  /** Run `body` (an operation or a plain function) for each line until end of stream. */
  eachLine(body: (line: Buffer) => Operation<unknown> | unknown): Operation<void>
  /** Write all of `data` (a string as UTF-8). */
  write(data: Uint8Array | string): Operation<void>
  /** Write each of `lines`, in order. */
  writelines(lines: Iterable<Uint8Array | string>): Operation<void>
  /** Wait until everything written so far has been handed to the OS. */
  flush(): Operation<void>
  /** Close without blocking; later calls throw `EBADF`. */
  close(): void
}
