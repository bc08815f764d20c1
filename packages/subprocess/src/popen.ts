import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process'
import { constants } from 'node:os'
import { NodeStream } from '@curio/io'
import { type Operation, WaitQueue } from '@curio/kernel'
import { STDOUT, type StderrOption, type StdioOption } from './constants.js'
import { type Captured, exchange } from './internal/exchange.js'
import { merge } from './internal/merge.js'

/** Options for `new Popen`. */
export interface PopenOptions {
  /** The child's standard input: `'inherit'` (default), `PIPE` (then `p.stdin` writes to it) or `DEVNULL`. */
  stdin?: StdioOption
  /** The child's standard output: `'inherit'` (default), `PIPE` (then `p.stdout` reads it) or `DEVNULL`. */
  stdout?: StdioOption
  /** The child's standard error: as `stdout`, or `STDOUT` to send it wherever standard output goes. */
  stderr?: StderrOption
  /** Working directory of the child. */
  cwd?: string
  /** The child's whole environment (default: the parent's). */
  env?: NodeJS.ProcessEnv
  /** Run `sh -c args[0] args[1..]` (as Python does): `args[0]` is a shell command line. */
  shell?: boolean
  /**
   * Start the child in a new session and process group: signals (and the kill on cancellation)
   * then reach the whole group, grandchildren included.
   */
  startNewSession?: boolean
}

/**
 * A child process, as Python's `subprocess.Popen`: started at once; its piped standard
 * streams are curio streams; `wait()` and `communicate()` are operations.
 *
 * `new Popen` never throws an OS error from starting the program (Node reports those later):
 * `wait`/`communicate` throw it, with `code` (`ENOENT`, `EACCES`) and the program's name.
 *
 * @example
 * ```ts
 * const p = new Popen(['sort'], { stdin: PIPE, stdout: PIPE })
 * const [out] = yield* p.communicate('b\na\n')
 * console.log(out!.toString()) // a\nb\n
 * ```
 */
export class Popen {
  /** The arguments the process was started with, as given. */
  readonly args: readonly string[]
  /** The child's process id (undefined when it could not be started). */
  readonly pid: number | undefined
  /** Writes to the child's standard input, when it is piped. */
  readonly stdin: NodeStream | null
  /** Reads the child's standard output (merged with standard error for `stderr: STDOUT`), when piped. */
  readonly stdout: NodeStream | null
  /** Reads the child's standard error, when it is piped. */
  readonly stderr: NodeStream | null
  private readonly child: ChildProcess | undefined
  private readonly group: boolean
  private code: number | null = null
  private signalName: NodeJS.Signals | null = null
  private spawnError: Error | undefined = undefined
  private readonly exited = new WaitQueue({ external: true })

  constructor(args: readonly string[], options: PopenOptions = {}) {
    if (!Array.isArray(args) || args.length === 0 || !args.every((a) => typeof a === 'string')) {
      throw new TypeError('new Popen(args) takes a non-empty array of strings, e.g. ["ls", "-l"]')
    }
    this.args = [...args]
    this.group = options.startNewSession === true
    const stdout = options.stdout ?? 'inherit'
    const merged = options.stderr === STDOUT
    // Node cannot hand one pipe to two descriptors: a merged stderr gets its own pipe, read into
    // the same stream as stdout, or goes to the parent's stdout (fd 1) / nowhere like stdout.
    const stderr = merged ? (stdout === 'inherit' ? 1 : stdout) : (options.stderr ?? 'inherit')
    const stdio: StdioOptions = [options.stdin ?? 'inherit', stdout, stderr as StdioOption | 1]
    const [file, argv] = options.shell === true ? ['/bin/sh', ['-c', ...args]] : [args[0]!, args.slice(1)]
    let child: ChildProcess | undefined
    try {
      child = spawn(file, argv, { stdio, cwd: options.cwd, env: options.env, detached: this.group })
    } catch (error) {
      if (!isSystemError(error)) throw error
      this.spawnError = error
    }
    this.child = child
    this.pid = child?.pid
    if (child !== undefined) {
      child.on('error', this.onError)
      child.on('exit', this.onExit)
    }
    // The pipes are sockets, readable and writable to Node: each is used one way only.
    this.stdin = child?.stdin ? new NodeStream(child.stdin, { readable: false }) : null
    const outputs = [child?.stdout, merged ? child?.stderr : undefined].filter((s) => s != null)
    const output = outputs.length > 1 ? merge(outputs) : outputs[0]
    this.stdout = output ? new NodeStream(output, { writable: false }) : null
    this.stderr = !merged && child?.stderr ? new NodeStream(child.stderr, { writable: false }) : null
  }

  private readonly onError = (error: Error): void => {
    // After a successful start, Node reports only failures to signal here: harmless.
    if (this.pid !== undefined) return
    this.spawnError ??= error
    this.exited.wakeAll()
  }

  private readonly onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    this.signalName = signal
    this.code = signal !== null ? -constants.signals[signal] : (code ?? 0)
    this.exited.wakeAll()
  }

  /** The exit code; minus the signal number for a child killed by a signal; null while it runs. */
  get returncode(): number | null {
    return this.code
  }

  /** The name of the signal that killed the child (`'SIGTERM'`...), or null. */
  get signal(): NodeJS.Signals | null {
    return this.signalName
  }

  /** `returncode` now, without waiting. */
  poll(): number | null {
    return this.code
  }

  /** Wait for the child to exit; returns `returncode`. Throws the start error (ENOENT...). */
  *wait(): Operation<number> {
    for (;;) {
      if (this.code !== null) return this.code
      if (this.spawnError !== undefined) throw this.spawnError
      yield* this.exited.suspend('PROCESS_WAIT')
    }
  }

  /**
   * Write `input` to standard input and close it, read standard output and error to end of
   * file together, wait for the exit; returns `[stdout, stderr]` (null for those not piped).
   * Cancelled or timed out, it kills the child (SIGTERM, SIGKILL after a grace period) and
   * reaps it before the error propagates.
   */
  *communicate(input?: Uint8Array | string): Operation<[Buffer | null, Buffer | null]> {
    const captured: Captured = { stdout: [], stderr: [] }
    yield* exchange(this, input, captured)
    return [
      this.stdout === null ? null : Buffer.concat(captured.stdout),
      this.stderr === null ? null : Buffer.concat(captured.stderr),
    ]
  }

  /**
   * Send `sig` (a name or number) to the child, or to its whole process group with
   * `startNewSession`. A no-op once the child has exited.
   */
  sendSignal(sig: NodeJS.Signals | number): void {
    if (this.code !== null || this.pid === undefined) return
    this.signalNow(sig)
  }

  /** `sendSignal('SIGTERM')`. */
  terminate(): void {
    this.sendSignal('SIGTERM')
  }

  /** `sendSignal('SIGKILL')`. */
  kill(): void {
    this.sendSignal('SIGKILL')
  }

  /** @internal after the leader is reaped: kill what is left of its process group (orphans) */
  _killGroup(): void {
    if (this.group && this.pid !== undefined) this.signalNow('SIGKILL')
  }

  private signalNow(sig: NodeJS.Signals | number): void {
    try {
      if (this.group) process.kill(-this.pid!, sig)
      else this.child!.kill(sig)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
}

function isSystemError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string'
}
