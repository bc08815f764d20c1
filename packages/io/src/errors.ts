import { constants } from 'node:os'
import { CurioError } from '@curio/kernel'

/** `readExactly(n)` met end of stream first; `partial` holds the bytes it did read. */
export class IncompleteRead extends CurioError {
  /** The bytes read before end of stream (fewer than `expected`). */
  readonly partial: Uint8Array
  /** How many bytes were asked for. */
  readonly expected: number
  constructor(partial: Uint8Array, expected: number) {
    super(`end of stream after ${partial.length} of ${expected} bytes`)
    this.partial = partial
    this.expected = expected
  }
}

/** An error shaped like Node's own system errors (`code`, `errno`, `syscall`). */
export interface SystemError extends Error {
  code: string
  errno: number
  syscall: string
}

/** A Node-style system error for a condition this library detects itself (EBADF, ENOTCONN...). */
export function systemError(
  code: keyof typeof constants.errno,
  syscall: string,
  message: string,
): SystemError {
  const error = new Error(`${syscall} ${code}: ${message}`) as SystemError
  error.code = code
  error.errno = -constants.errno[code]
  error.syscall = syscall
  return error
}

/** What operations on a closed socket (or file) throw, and what waiters woken by `close()` get. */
export function closedError(syscall: string, what = 'socket'): SystemError {
  return systemError('EBADF', syscall, `${what} is closed`)
}
