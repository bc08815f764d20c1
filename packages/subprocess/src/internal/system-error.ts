import { constants } from 'node:os'

/** An error shaped like Node's own system errors (`code`, `errno`, `syscall`). */
export interface SystemError extends Error {
  code: string
  errno: number
  syscall: string
}

/** A Node-style system error for a condition this package detects itself (EBADF, EPIPE). */
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

/** What operations on a closed pipe throw, and what waiters woken by `close()` get. */
export function closedError(syscall: string): SystemError {
  return systemError('EBADF', syscall, 'pipe is closed')
}
