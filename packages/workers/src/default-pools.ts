import type { Operation } from '@curio/kernel'
import { type WorkerCallable, WorkerPool } from './worker-pool.js'

// Discussion: the default pools are process-wide and never closed. They start workers only
// when called, and an idle worker is unref'd, so they never keep the process alive; a call
// still running when a kernel shuts down is cancelled, which kills its worker.
const pools: { thread?: WorkerPool; process?: WorkerPool } = {}

function defaultPool(kind: 'thread' | 'process'): WorkerPool {
  let pool = pools[kind]
  if (pool === undefined) pool = pools[kind] = new WorkerPool({ kind })
  return pool
}

/**
 * Run `fn(...args)` on the process-wide pool of worker threads (sized from
 * `os.availableParallelism()`) and return its result. Cancelling the call terminates the thread.
 *
 * @example
 * const n = yield* runInThread((n: number) => { let a = 0, b = 1; while (n--) [a, b] = [b, a + b]; return a }, 40)
 */
export function runInThread<A extends unknown[], R>(
  fn: WorkerCallable<A, R>,
  ...args: A
): Operation<Awaited<R>> {
  return defaultPool('thread')._run('runInThread', fn, args)
}

/**
 * Run `fn(...args)` on the process-wide pool of child processes (sized from
 * `os.availableParallelism()`) and return its result. Cancelling the call kills the process.
 *
 * @example
 * const pid = yield* runInProcess(() => process.pid)
 */
export function runInProcess<A extends unknown[], R>(
  fn: WorkerCallable<A, R>,
  ...args: A
): Operation<Awaited<R>> {
  return defaultPool('process')._run('runInProcess', fn, args)
}
