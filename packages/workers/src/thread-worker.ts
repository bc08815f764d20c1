import { type ResourceLimits, Worker } from 'node:worker_threads'
import { workerExecArgv } from './exec-argv.js'
import { type WorkerEvents, type WorkerHandle, workerEntry } from './worker-handle.js'

/** Options for a thread worker. */
export interface ThreadWorkerOptions {
  execArgv?: string[] | undefined
  resourceLimits?: ResourceLimits | undefined
}

/** The default execArgv for threads, worked out once (see `defaultExecArgv`). */
let inherited: string[] | undefined | null = null

/**
 * Threads inherit the parent's execArgv when it is given as undefined, and they too fail on
 * some of what a process worker must not get (`--input-type` from `node -e`). When there is
 * something to drop, the rest is passed explicitly; V8 and process-wide flags, which a
 * thread shares with its process anyway, are refused by `Worker` in that form, so they are
 * left out after the first refusal.
 */
function newWorker(options: ThreadWorkerOptions): Worker {
  const limits = options.resourceLimits !== undefined ? { resourceLimits: options.resourceLimits } : {}
  if (options.execArgv !== undefined)
    return new Worker(workerEntry, { execArgv: options.execArgv, ...limits })
  if (inherited === null) {
    const kept = workerExecArgv()
    inherited = kept.length === process.execArgv.length ? undefined : kept
  }
  try {
    return new Worker(workerEntry, { execArgv: inherited, ...limits })
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || inherited === undefined)
      throw error
    const refused = new Set((error as Error).message.replace(/^[^:]*:\s*/, '').split(', '))
    inherited = inherited.filter((arg) => !refused.has(arg))
    return new Worker(workerEntry, { execArgv: inherited, ...limits })
  }
}

/** Start a `worker_threads` worker running the worker entry. */
export function startThread(options: ThreadWorkerOptions, events: WorkerEvents): WorkerHandle {
  const worker = newWorker(options)
  let cause: unknown
  let hasCause = false
  worker.on('message', events.message)
  // 'error' (an uncaught exception, ERR_WORKER_OUT_OF_MEMORY) always comes before 'exit'.
  worker.on('error', (error) => {
    cause = error
    hasCause = true
  })
  worker.on('exit', (exitCode) =>
    events.exit(hasCause ? { exitCode, signal: null, cause } : { exitCode, signal: null }),
  )
  return {
    id: worker.threadId,
    send: (message) => worker.postMessage(message),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    kill: () => {
      worker.terminate().catch(() => {})
    },
  }
}
