import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run, sleep, spawn, TaskCancelled, TaskError, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { alive, testPool, workerId } from './helpers.js'

/** Runs in a thread: counts in shared memory forever, so the test can see whether it still runs. */
function spinCounting(shared: SharedArrayBuffer): never {
  const counter = new Int32Array(shared)
  for (;;) Atomics.add(counter, 0, 1)
}

/** Runs in a process: says its pid through a file, then spins forever. */
function spinWithPid(pidFile: string): never {
  require('node:fs').writeFileSync(pidFile, String(process.pid))
  for (;;);
}

function* until(condition: () => boolean) {
  for (let i = 0; i < 2000 && !condition(); i++) yield* sleep(5)
  if (!condition()) throw new Error('condition never became true')
}

describe('thread pool: cancelling a call terminates its thread', () => {
  const pool = testPool('thread', { size: 2 })

  it('the cancel returns only after the thread is gone, and the pool keeps its size', async () => {
    const out = await run(function* () {
      const shared = new SharedArrayBuffer(4)
      const counter = new Int32Array(shared)
      const task = yield* spawn(pool.run(spinCounting, shared))
      yield* until(() => Atomics.load(counter, 0) > 0)
      yield* task.cancel()
      const atCancel = Atomics.load(counter, 0)
      const error = yield* catchJoin(task)
      yield* sleep(30)
      const later = Atomics.load(counter, 0)
      const ids = yield* twoAtOnce(pool)
      return { atCancel, later, error, ids }
    })
    expect(out.later).toBe(out.atCancel)
    expect(out.error).toBeInstanceOf(TaskError)
    expect((out.error as TaskError).cause).toBeInstanceOf(TaskCancelled)
    expect(new Set(out.ids).size).toBe(2)
  })

  it('a timeout terminates the thread and escapes as TaskTimeout', async () => {
    const out = await run(function* () {
      const shared = new SharedArrayBuffer(4)
      const counter = new Int32Array(shared)
      let error: unknown
      yield* pool.run(() => 'warm') // a started worker: the timeout below measures the call alone
      try {
        yield* timeoutAfter(200, pool.run(spinCounting, shared))
      } catch (e) {
        error = e
      }
      const atTimeout = Atomics.load(counter, 0)
      yield* sleep(30)
      return { error, atTimeout, later: Atomics.load(counter, 0) }
    })
    expect(out.error).toBeInstanceOf(TaskTimeout)
    expect(out.atTimeout).toBeGreaterThan(0)
    expect(out.later).toBe(out.atTimeout)
  })
})

describe('process pool: cancelling a call kills its process', () => {
  const pool = testPool('process', { size: 2 })
  const dir = mkdtempSync(join(tmpdir(), 'curio-workers-'))

  it('the cancel returns only after the process is gone, and the pool keeps its size', async () => {
    const pidFile = join(dir, 'cancel.pid')
    const out = await run(function* () {
      const task = yield* spawn(pool.run(spinWithPid, pidFile))
      yield* until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '')
      const pid = Number(readFileSync(pidFile, 'utf8'))
      const wasAlive = alive(pid)
      yield* task.cancel()
      const aliveAfter = alive(pid)
      const ids = yield* twoAtOnce(pool)
      return { pid, wasAlive, aliveAfter, ids }
    })
    expect(out.wasAlive).toBe(true)
    expect(out.aliveAfter).toBe(false)
    expect(new Set(out.ids).size).toBe(2)
    expect(out.ids).not.toContain(out.pid)
  })

  it('a timeout kills the process and escapes as TaskTimeout', async () => {
    const pidFile = join(dir, 'timeout.pid')
    const out = await run(function* () {
      let error: unknown
      yield* pool.run(() => 'warm') // a started worker: the timeout below measures the call alone
      try {
        yield* timeoutAfter(1000, pool.run(spinWithPid, pidFile))
      } catch (e) {
        error = e
      }
      return { error, pid: Number(readFileSync(pidFile, 'utf8')) }
    })
    expect(out.error).toBeInstanceOf(TaskTimeout)
    expect(alive(out.pid)).toBe(false)
  })
})

describe('waiting for a free worker', () => {
  const pool = testPool('thread', { size: 1 })

  it('is cancellable and loses nothing: the worker is neither killed nor leaked', async () => {
    const out = await run(function* () {
      const slowId = () =>
        new Promise<number>((resolve) => setTimeout(resolve, 50, require('node:worker_threads').threadId))
      const busy = yield* spawn(pool.run(slowId))
      const waiting = yield* spawn(pool.run(workerId))
      yield* sleep(5)
      yield* waiting.cancel()
      const first = yield* busy.join()
      const a = yield* pool.run(workerId)
      const b = yield* pool.run(workerId)
      return { first, a, b, waitingCancelled: waiting.cancelled }
    })
    expect(out.waitingCancelled).toBe(true)
    expect(out.a).toBe(out.first)
    expect(out.b).toBe(out.first)
  })
})

function* catchJoin(task: { join(): Generator<any, unknown, any> }) {
  try {
    yield* task.join()
  } catch (error) {
    return error
  }
  return undefined
}

/** Two calls that overlap in time: on a pool of two live workers, they run on distinct ones. */
function* twoAtOnce(pool: ReturnType<typeof testPool>) {
  const overlapping = () =>
    new Promise<number>((resolve) => {
      const { threadId } = require('node:worker_threads')
      setTimeout(() => resolve(threadId === 0 ? process.pid : threadId), 100)
    })
  const a = yield* spawn(pool.run(overlapping))
  const b = yield* spawn(pool.run(overlapping))
  return [yield* a.join(), yield* b.join()]
}
