import { type Operation, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { CompletedProcess } from './completed-process.js'
import { PIPE } from './constants.js'
import { TimeoutExpired } from './errors.js'
import { type Captured, exchange } from './internal/exchange.js'
import { Popen, type PopenOptions } from './popen.js'

/** Options for `run` and `checkOutput`: `Popen`'s, plus what to feed, capture and check. */
export interface RunOptions extends PopenOptions {
  /** Written to the child's standard input, which is then closed (implies `stdin: PIPE`). */
  input?: Uint8Array | string
  /** Capture standard output and error (`stdout: PIPE, stderr: PIPE`). */
  captureOutput?: boolean
  /** Throw `CalledProcessError` when the child does not exit with status 0. */
  check?: boolean
  /** Kill the child after this many ms and throw `TimeoutExpired` (with the output so far). */
  timeout?: number
}

/**
 * Run a command to completion, as Python's `subprocess.run`: feed `input`, capture output
 * if asked, wait. Cancelled or timed out, the child is killed and reaped first.
 *
 * @example
 * ```ts
 * const done = yield* run(['ls', '-l'], { captureOutput: true, check: true })
 * console.log(done.stdout!.toString())
 * ```
 */
export function* run(args: readonly string[], options: RunOptions = {}): Operation<CompletedProcess> {
  const { input, captureOutput = false, check = false, timeout, ...popenOptions } = options
  if (timeout !== undefined && !(timeout >= 0))
    throw new TypeError(`run({ timeout }) takes ms >= 0, got ${timeout}`)
  const p = new Popen(args, {
    ...popenOptions,
    stdin: popenOptions.stdin ?? (input !== undefined ? PIPE : 'inherit'),
    stdout: popenOptions.stdout ?? (captureOutput ? PIPE : 'inherit'),
    stderr: popenOptions.stderr ?? (captureOutput ? PIPE : 'inherit'),
  })
  const captured: Captured = { stdout: [], stderr: [] }
  const output = (): [Buffer | null, Buffer | null] => [
    p.stdout === null ? null : Buffer.concat(captured.stdout),
    p.stderr === null ? null : Buffer.concat(captured.stderr),
  ]
  let returncode: number
  try {
    returncode =
      timeout === undefined
        ? yield* exchange(p, input, captured)
        : yield* timeoutAfter(timeout, () => exchange(p, input, captured))
  } catch (error) {
    // Only this block's own deadline reaches here as TaskTimeout: an enclosing one that expired
    // shows up inside as TimeoutCancellationError, and stays the caller's TaskTimeout.
    if (timeout !== undefined && error instanceof TaskTimeout) {
      throw new TimeoutExpired(p.args, timeout, ...output(), error)
    }
    throw error
  }
  const done = new CompletedProcess(p.args, returncode, p.signal, ...output())
  if (check) done.checkReturncode()
  return done
}

/**
 * Run a command with `check` and return its standard output, as Python's `check_output`.
 *
 * @example
 * ```ts
 * const head = (yield* checkOutput(['git', 'rev-parse', 'HEAD'])).toString().trim()
 * ```
 */
export function* checkOutput(args: readonly string[], options: RunOptions = {}): Operation<Buffer> {
  const done = yield* run(args, { ...options, stdout: PIPE, check: true })
  return done.stdout!
}
