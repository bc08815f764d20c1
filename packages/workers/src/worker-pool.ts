import { availableParallelism } from 'node:os'
import type { ResourceLimits } from 'node:worker_threads'
import { awaitPromise, disableCancellation, type Operation, WaitQueue } from '@curio/kernel'
import { checkCloneable } from './clone-check.js'
import { decodeError } from './decode-error.js'
import { PoolClosed, WorkerCrashed } from './errors.js'
import { type SourcedFunction, sourceOf } from './function-source.js'
import { PoolWorker } from './pool-worker.js'
import { startProcess } from './process-worker.js'
import { startThread } from './thread-worker.js'
import { isWorkerFunction, type WorkerFunction } from './worker-function.js'
import type { ExitInfo, WorkerHandle } from './worker-handle.js'

/** Options for `new WorkerPool`. */
export interface WorkerPoolOptions {
  /** `'thread'`: `worker_threads`; `'process'`: child processes (`fork`). */
  kind: 'thread' | 'process'
  /** Most workers alive at once (default `os.availableParallelism()`); started as calls need them. */
  size?: number
  /**
   * Node flags for each worker. Default: a thread inherits the parent's; a process gets the
   * parent's minus `-e`/`-p`/`--eval`/`--print`/`--input-type`/`--test*`/`--inspect*`/`--watch*`.
   */
  execArgv?: string[]
  /** Heap limits of each thread worker (threads only); running out crashes only that worker. */
  resourceLimits?: ResourceLimits
}

/** What a pool can run: a self-contained function sent by source, or a `workerFunction`. */
export type WorkerCallable<A extends unknown[], R> = ((...args: A) => R) | WorkerFunction<(...args: A) => R>

/** A caller waiting for a free worker; the worker is handed to it directly, so none is lost. */
interface Waiter {
  readonly queue: WaitQueue
  worker: PoolWorker | undefined
  error: unknown
}

/**
 * A pool of worker threads or child processes running CPU-bound or blocking functions for
 * curio tasks. Each worker runs one call at a time; more calls wait in FIFO order. Cancelling
 * or timing out a call kills its worker (the only way to stop running JavaScript), and the
 * pool starts another when one is needed.
 *
 * @example
 * const pool = new WorkerPool({ kind: 'process', size: 2 })
 * const n = yield* pool.run((a: number, b: number) => a * b, 6, 7) // 42, computed in a child process
 * yield* awaitPromise(pool.close())
 */
export class WorkerPool {
  readonly kind: 'thread' | 'process'
  readonly size: number
  private readonly options: WorkerPoolOptions
  private readonly workers = new Set<PoolWorker>()
  private readonly idle: PoolWorker[] = []
  private readonly waiters: Waiter[] = []
  private closed = false
  private nextCallId = 1

  constructor(options: WorkerPoolOptions) {
    if (options?.kind !== 'thread' && options?.kind !== 'process') {
      throw new TypeError(`WorkerPool needs kind: 'thread' or 'process', got ${String(options?.kind)}`)
    }
    const size = options.size ?? availableParallelism()
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`WorkerPool size must be a whole number >= 1, got ${String(size)}`)
    }
    if (options.resourceLimits !== undefined && options.kind !== 'thread') {
      throw new TypeError(
        'resourceLimits applies to thread pools; give a process pool --max-old-space-size in execArgv',
      )
    }
    this.kind = options.kind
    this.size = size
    this.options = { ...options }
  }

  /**
   * Run `fn(...args)` on a worker and return its (awaited) result. `fn` is checked at the
   * call, and so are the arguments, before anything is sent.
   */
  run<A extends unknown[], R>(fn: WorkerCallable<A, R>, ...args: A): Operation<Awaited<R>> {
    return this._run('WorkerPool.run', fn, args)
  }

  /** @internal `run`, naming the public function in its errors. */
  _run<A extends unknown[], R>(what: string, fn: WorkerCallable<A, R>, args: A): Operation<Awaited<R>> {
    if (this.closed) throw new PoolClosed()
    const target = isWorkerFunction(fn) ? fn : sourceOf(fn as Function, what)
    return this.call(what, target, args) as Operation<Awaited<R>>
  }

  /**
   * Stop taking calls; calls waiting for a worker fail with `PoolClosed`. Idle workers stop
   * now, busy ones when their call ends (cancel a call to stop it sooner). Settles when every
   * worker is gone.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true
      for (const waiter of this.waiters.splice(0)) {
        waiter.error = new PoolClosed()
        waiter.queue.wake()
      }
      for (const worker of this.idle.splice(0)) this.kill(worker)
    }
    return Promise.all([...this.workers].map((worker) => worker.gone)).then(() => {})
  }

  private *call(what: string, target: SourcedFunction | WorkerFunction, args: unknown[]): Operation<unknown> {
    if (this.closed) throw new PoolClosed()
    let worker = this.take()
    if (worker === undefined) {
      // Found out now rather than after a wait for a worker.
      checkCloneable(args, this.kind, what)
      worker = yield* this.waitForWorker()
    }
    const sourced = 'source' in target
    const callId = this.nextCallId++
    const message = sourced
      ? worker.known.has(target.id)
        ? { c: callId, f: target.id, a: args }
        : { c: callId, f: target.id, s: target.source, a: args }
      : { c: callId, m: target.moduleUrl, e: target.exportName, a: args }
    try {
      worker.handle.send(message)
    } catch (error) {
      this.release(worker)
      checkCloneable(args, this.kind, what)
      throw error
    }
    if (sourced) worker.known.add(target.id)
    worker.callId = callId
    try {
      yield* worker.answered.suspend('WORKER_CALL')
    } catch (error) {
      // Cancelled or timed out while the worker runs: killing it is the only way to stop it.
      if (worker.outcome === undefined) yield* disableCancellation(this.killAndWait(worker))
      else this.release(worker)
      throw error
    }
    const outcome = worker.outcome!
    this.release(worker)
    if (outcome.ok) return outcome.value
    throw outcome.value
  }

  /** An idle worker, or a new one while the pool is below size; never ahead of waiting callers. */
  private take(): PoolWorker | undefined {
    if (this.waiters.length > 0) return undefined
    let worker = this.idle.pop()
    if (worker === undefined && this.workers.size < this.size) worker = this.start()
    if (worker !== undefined) {
      worker.busy = true
      worker.handle.ref()
    }
    return worker
  }

  private *waitForWorker(): Operation<PoolWorker> {
    const waiter: Waiter = { queue: new WaitQueue({ external: true }), worker: undefined, error: undefined }
    this.waiters.push(waiter)
    try {
      yield* waiter.queue.suspend('WORKER_POOL_WAIT')
    } catch (error) {
      const at = this.waiters.indexOf(waiter)
      if (at >= 0) this.waiters.splice(at, 1)
      if (waiter.worker !== undefined) this.release(waiter.worker)
      throw error
    }
    if (waiter.worker === undefined) throw waiter.error
    return waiter.worker
  }

  /** The call on `worker` is over: hand it to the next caller, or let it idle. */
  private release(worker: PoolWorker): void {
    worker.busy = false
    worker.outcome = undefined
    if (worker.exit !== undefined) return
    if (this.closed) {
      this.kill(worker)
      return
    }
    const waiter = this.waiters.shift()
    if (waiter !== undefined) {
      this.handOver(waiter, worker)
      return
    }
    this.idle.push(worker)
    worker.handle.unref()
  }

  private handOver(waiter: Waiter, worker: PoolWorker): void {
    worker.busy = true
    worker.handle.ref()
    waiter.worker = worker
    waiter.queue.wake()
  }

  private start(): PoolWorker {
    const worker = new PoolWorker()
    const events = {
      message: (message: { c: number; ok: boolean; v?: unknown; e?: any }) => {
        if (worker.killed || message.c !== worker.callId) return
        worker.settle(
          message.ok ? { ok: true, value: message.v } : { ok: false, value: decodeError(message.e) },
        )
      },
      exit: (info: ExitInfo) => this.onExit(worker, info),
    }
    const options = this.options
    worker.handle =
      this.kind === 'thread'
        ? startThread({ execArgv: options.execArgv, resourceLimits: options.resourceLimits }, events)
        : startProcess({ execArgv: options.execArgv }, events)
    this.workers.add(worker)
    return worker
  }

  private onExit(worker: PoolWorker, info: ExitInfo): void {
    this.workers.delete(worker)
    const at = this.idle.indexOf(worker)
    if (at >= 0) this.idle.splice(at, 1)
    const crashed = worker.busy && !worker.killed ? crashError(this.kind, worker.handle, info) : undefined
    worker.exited(info, crashed && { ok: false, value: crashed })
    // Keep the pool at size for callers already waiting; otherwise a worker starts on demand,
    // so a worker that dies at startup cannot spin in a restart loop.
    if (!this.closed && this.waiters.length > 0 && this.workers.size < this.size) {
      this.handOver(this.waiters.shift()!, this.start())
    }
  }

  private kill(worker: PoolWorker): void {
    if (worker.exit !== undefined || worker.killed) return
    worker.killed = true
    // An idle worker is unref'd; whoever waits for it to be gone must keep the process alive.
    worker.handle.ref()
    worker.handle.kill()
  }

  private *killAndWait(worker: PoolWorker): Operation<void> {
    this.kill(worker)
    yield* awaitPromise(worker.gone)
  }
}

function crashError(kind: string, handle: WorkerHandle, info: ExitInfo): WorkerCrashed {
  const how = info.signal !== null ? `killed by ${info.signal}` : `exited with code ${info.exitCode}`
  const cause = info.cause
  const why =
    cause instanceof Error
      ? `: ${cause.name}: ${cause.message}`
      : cause !== undefined
        ? `: ${String(cause)}`
        : ''
  return new WorkerCrashed(`${kind} worker ${handle.id} ${how} during the call${why}`, info)
}
