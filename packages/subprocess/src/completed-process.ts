import { CalledProcessError } from './errors.js'

/** What `run` returns: the finished child's arguments, exit status and captured output. */
export class CompletedProcess {
  constructor(
    /** The arguments the process was started with. */
    readonly args: readonly string[],
    /** The exit code, or minus the signal number for a child killed by a signal. */
    readonly returncode: number,
    /** The name of the signal that killed the child, or null. */
    readonly signal: NodeJS.Signals | null,
    /** Standard output, when captured; else null. */
    readonly stdout: Buffer | null,
    /** Standard error, when captured; else null. */
    readonly stderr: Buffer | null,
  ) {}

  /** Throw `CalledProcessError` unless the child exited with status 0. */
  checkReturncode(): void {
    if (this.returncode !== 0) {
      throw new CalledProcessError(this.args, this.returncode, this.signal, this.stdout, this.stderr)
    }
  }
}
