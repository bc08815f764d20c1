/**
 * @curio/workers against piscina and a bare worker_threads / child_process pool doing the
 * same calls: round-trip overhead (10k tiny calls) and the speed-up of a CPU-bound batch
 * (64 x fib(30)) over running it on the main thread.
 */
import { availableParallelism, loadavg } from 'node:os'
import { run, spawn, type Task } from '@curio/kernel'
import { WorkerPool, workerFunction } from '@curio/workers'
import { Piscina } from 'piscina'
import type { Area, Row } from './harness.js'
import { PlainPool } from './workers/plain-pool.js'

const cores = availableParallelism()
const tasksUrl = new URL('./workers/tasks.mjs', import.meta.url)
const fib = workerFunction<(n: number) => number>(tasksUrl, 'fib')

// Created on first use, so selecting another area starts no workers.
const lazy = <T>(make: () => T) => {
  let value: T | undefined
  const get = () => (value ??= make())
  /** Forget the value, returning it (if one was made) for the caller to close. */
  get.reset = () => {
    const old = value
    value = undefined
    return old
  }
  return get
}
const curioThreads = lazy(() => new WorkerPool({ kind: 'thread', size: cores }))
const curioProcesses = lazy(() => new WorkerPool({ kind: 'process', size: cores, execArgv: [] }))
const piscina = lazy(
  () => new Piscina({ filename: tasksUrl.href, minThreads: cores, maxThreads: cores, idleTimeout: 60_000 }),
)
const plainThreads = lazy(() => new PlainPool('thread', cores))
const plainProcesses = lazy(() => new PlainPool('process', cores))

// The baseline pools end with each row that used them (a row run alone leaves nothing behind);
// the next row that needs one makes it again in its warm-up run, which is not timed.
const closePlainThreads = async () => {
  await plainThreads.reset()?.close()
}
const closePlainProcesses = async () => {
  await plainProcesses.reset()?.close()
}

/** `n` calls of `fn(arg)` on a curio pool, `parallel` in flight at a time. */
function curioCalls(pool: () => WorkerPool, fnName: 'inc' | 'fib', arg: number, parallel: number) {
  const inc = (x: number) => x + 1
  return (n: number) =>
    run(function* () {
      const p = pool()
      const call = () => (fnName === 'fib' ? p.run(fib, arg) : p.run(inc, arg))
      if (parallel === 1) {
        for (let i = 0; i < n; i++) yield* call()
        return
      }
      const tasks: Task<number>[] = new Array(n)
      for (let i = 0; i < n; i++) tasks[i] = yield* spawn(call())
      for (let i = 0; i < n; i++) yield* tasks[i]!.join()
    })
}

async function piscinaCalls(fn: 'inc' | 'fib', arg: number, n: number, parallel: number): Promise<void> {
  const p = piscina()
  if (parallel === 1) {
    for (let i = 0; i < n; i++) await p.run({ fn, arg })
    return
  }
  await Promise.all(Array.from({ length: n }, () => p.run({ fn, arg })))
}

function serialFib(n: number): Promise<void> {
  const f = (k: number): number => (k < 2 ? k : f(k - 1) + f(k - 2))
  for (let i = 0; i < n; i++) f(30)
  return Promise.resolve()
}

const load = () => loadavg()[0]!.toFixed(1)

const rows: Row[] = [
  {
    name: 'thread call, one at a time',
    n: 10_000,
    unit: 'call',
    impls: {
      curio: curioCalls(curioThreads, 'inc', 1, 1),
      piscina: (n) => piscinaCalls('inc', 1, n, 1),
      worker_threads: (n) => plainThreads().run('inc', 1, n, 1),
    },
    targets: [{ vs: 'piscina', min: 0.83 }],
    teardown: closePlainThreads,
  },
  {
    name: 'thread calls, all at once',
    n: 10_000,
    unit: 'call',
    impls: {
      curio: curioCalls(curioThreads, 'inc', 1, cores),
      piscina: (n) => piscinaCalls('inc', 1, n, cores),
      worker_threads: (n) => plainThreads().run('inc', 1, n),
    },
    targets: [{ vs: 'piscina', min: 0.83 }],
    teardown: closePlainThreads,
  },
  {
    name: 'process call, one at a time',
    n: 10_000,
    unit: 'call',
    impls: {
      curio: curioCalls(curioProcesses, 'inc', 1, 1),
      child_process: (n) => plainProcesses().run('inc', 1, n, 1),
    },
    teardown: closePlainProcesses,
  },
  {
    name: 'fib(30) batch on threads',
    n: 64,
    unit: 'fib',
    impls: {
      curio: curioCalls(curioThreads, 'fib', 30, cores),
      piscina: (n) => piscinaCalls('fib', 30, n, cores),
      worker_threads: (n) => plainThreads().run('fib', 30, n),
      'main thread': serialFib,
    },
    targets: [
      { vs: 'piscina', min: 0.83 },
      { vs: 'main thread', min: 0.9 * cores },
    ],
    get note() {
      return `${cores} cores; 1-minute load average ${load()} when the table was printed (the machine is shared)`
    },
    teardown: closePlainThreads,
  },
  {
    name: 'fib(30) batch on processes',
    n: 64,
    unit: 'fib',
    impls: {
      curio: curioCalls(curioProcesses, 'fib', 30, cores),
      child_process: (n) => plainProcesses().run('fib', 30, n),
      'main thread': serialFib,
    },
    targets: [{ vs: 'main thread', min: 0.9 * cores }],
    teardown: closePlainProcesses,
  },
]

export const area: Area = { name: 'workers', rows }
