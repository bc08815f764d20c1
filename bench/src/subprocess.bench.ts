/**
 * @curio/subprocess against execa and plain `child_process` promises: spawning and reaping
 * 500 `true` processes, at most 32 running at a time. Every side inherits stdio (no pipes),
 * so the row measures the spawn/exit/reap path and the scheduling around it.
 */
import { spawn as spawnChild } from 'node:child_process'
import { type Operation, run, spawn, type Task } from '@curio/kernel'
import { run as runCommand } from '@curio/subprocess'
import { Semaphore } from '@curio/sync'
import { execa } from 'execa'
import type { Area, Row } from './harness.js'

const PARALLEL = 32

function* curioTrue(permits: Semaphore): Operation<void> {
  yield* permits.withAcquire(runCommand(['true']))
}

function curioMany(n: number): Promise<void> {
  return run(function* () {
    const permits = new Semaphore(PARALLEL)
    const tasks: Task<void>[] = new Array(n)
    for (let i = 0; i < n; i++) tasks[i] = yield* spawn(curioTrue(permits))
    for (const task of tasks) yield* task.join()
  })
}

/** `n` calls of `once`, `PARALLEL` at a time: the usual promise worker-loop limiter. */
async function bounded(n: number, once: () => Promise<unknown>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < n) {
      next++
      await once()
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, n) }, lane))
}

function plainTrue(): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawnChild('true', [], { stdio: 'inherit' })
    child.once('error', reject)
    child.once('exit', resolve)
  })
}

const rows: Row[] = [
  {
    name: 'spawn and reap 500 `true`, 32 at a time',
    n: 500,
    unit: 'proc',
    impls: {
      curio: curioMany,
      child_process: (n) => bounded(n, plainTrue),
      execa: (n) => bounded(n, () => execa('true', { stdio: 'inherit' })),
    },
    targets: [{ vs: 'child_process', min: 1 }],
    note: 'curio: run() per task under a Semaphore; child_process: spawn + exit promise; execa 9',
  },
]

export const area: Area = { name: 'subprocess', rows }
