import { WorkerPool, type WorkerPoolOptions } from '@curio/workers'
import { afterAll } from 'vitest'

export const kinds = ['thread', 'process'] as const
export type Kind = (typeof kinds)[number]

/** A pool closed when the test file ends. */
export function testPool(kind: Kind, options: Partial<WorkerPoolOptions> = {}): WorkerPool {
  const pool = new WorkerPool({ kind, size: 1, ...options })
  afterAll(() => pool.close())
  return pool
}

/** Runs in a worker: which worker am I? (pid for processes, threadId for threads) */
export function workerId(): number {
  const { threadId } = require('node:worker_threads')
  return threadId === 0 ? process.pid : threadId
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
