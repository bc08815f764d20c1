/**
 * The baselines' pool: `size` workers (threads or forked processes), each fed the next item
 * as soon as it answers. No queueing objects, no error handling, no cancellation: the floor
 * any pool's overhead is measured against. Its workers keep the process alive (a run waits on
 * them, and unref'd ones let Node exit in the middle of a row) until `close()`, which each row
 * that used the pool calls as its teardown.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

interface Endpoint {
  post(message: unknown): void
  /** End the worker (terminate the thread, kill the process); resolves once it has gone. */
  close(): Promise<void>
  /** Called with each answer; replaced per run. */
  answered: () => void
}

function thread(): Endpoint {
  const w = new Worker(new URL('./plain-thread.mjs', import.meta.url))
  const e: Endpoint = {
    post: (m) => w.postMessage(m),
    close: async () => void (await w.terminate()),
    answered: () => {},
  }
  w.on('message', () => e.answered())
  return e
}

function child(): Endpoint {
  const c = fork(fileURLToPath(new URL('./plain-process.mjs', import.meta.url)), [], {
    serialization: 'advanced',
    execArgv: [],
  })
  const e: Endpoint = {
    post: (m) => c.send(m as object),
    close: () =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve()
        c.once('close', () => resolve())
        c.kill()
      }),
    answered: () => {},
  }
  c.on('message', () => e.answered())
  return e
}

export class PlainPool {
  private readonly endpoints: Endpoint[]
  constructor(kind: 'thread' | 'process', size: number) {
    this.endpoints = Array.from({ length: size }, kind === 'thread' ? thread : child)
  }

  /** End every worker; resolves once all have gone. */
  async close(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.close()))
  }

  /** Run `fn(arg)` for `n` items, `parallel` workers at a time (1: one round trip after another). */
  run(fn: 'inc' | 'fib', arg: number, n: number, parallel = this.endpoints.length): Promise<void> {
    return new Promise((resolve) => {
      let sent = 0
      let done = 0
      for (const e of this.endpoints.slice(0, Math.min(parallel, n))) {
        const next = () => {
          if (sent < n) {
            sent++
            e.post({ fn, arg })
          }
        }
        e.answered = () => {
          if (++done === n) resolve()
          else next()
        }
        next()
      }
    })
  }
}
