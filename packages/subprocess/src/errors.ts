import { CurioError, type TaskTimeout } from '@curio/kernel'

/** Base class of the errors this package raises about a child process. */
export class SubprocessError extends CurioError {}

/** The command line as a reader would type it, for messages. */
function formatCommand(cmd: readonly string[]): string {
  return cmd
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`))
    .join(' ')
}

/** A command run with `check` (or by `checkOutput`) exited with a non-zero status or a signal. */
export class CalledProcessError extends SubprocessError {
  /** The command's arguments, as given. */
  readonly cmd: readonly string[]
  /** The exit code, or minus the signal number. */
  readonly returncode: number
  /** The name of the signal that killed the child, or null. */
  readonly signal: NodeJS.Signals | null
  /** What the child wrote to standard output, if it was captured. */
  readonly stdout: Buffer | null
  /** What the child wrote to standard error, if it was captured. */
  readonly stderr: Buffer | null

  constructor(
    cmd: readonly string[],
    returncode: number,
    signal: NodeJS.Signals | null,
    stdout: Buffer | null = null,
    stderr: Buffer | null = null,
  ) {
    const status = signal !== null ? `died with ${signal}` : `returned non-zero exit status ${returncode}`
    super(`command "${formatCommand(cmd)}" ${status}`)
    this.cmd = cmd
    this.returncode = returncode
    this.signal = signal
    this.stdout = stdout
    this.stderr = stderr
  }
}

/**
 * `run`'s own `timeout` expired: the child was killed and reaped; `stdout`/`stderr` hold what
 * was read before the kill (when captured), `cause` the `TaskTimeout`.
 */
export class TimeoutExpired extends SubprocessError {
  /** The command's arguments, as given. */
  readonly cmd: readonly string[]
  /** The timeout, in milliseconds. */
  readonly timeout: number
  /** Standard output read before the kill, if it was captured. */
  readonly stdout: Buffer | null
  /** Standard error read before the kill, if it was captured. */
  readonly stderr: Buffer | null

  constructor(
    cmd: readonly string[],
    timeout: number,
    stdout: Buffer | null,
    stderr: Buffer | null,
    cause: TaskTimeout,
  ) {
    super(`command "${formatCommand(cmd)}" timed out after ${timeout} ms`, { cause })
    this.cmd = cmd
    this.timeout = timeout
    this.stdout = stdout
    this.stderr = stderr
  }
}
