/**
 * Debug activations (after Curio's `curio/debug.py`): pass them in `activations` to see what
 * the kernel does, one line per event, through a logger you can replace.
 *
 * @example
 * ```ts
 * await run(main, { activations: [longblock(50), logcrash()], debug: true })
 * ```
 */
import type { Activation } from './activation.js'
import { CancelledError } from './errors.js'
import type { Kernel } from './kernel.js'
import type { Task } from './task.js'
import { describeError } from './task.js'
import type { TimerEntry } from './timer-heap.js'

/** Options shared by the debug activations. */
export interface TraceOptions {
  /** Where each line goes; default `console.error`. */
  log?: (line: string) => void
}

function logger(options: TraceOptions | undefined): (line: string) => void {
  return options?.log ?? ((line) => console.error(line))
}

function label(task: Task<unknown>): string {
  return `task ${task.id} (${task.name})`
}

/** A line per scheduling event: created, running, suspended (with what on), terminated. */
export function schedtrace(options?: TraceOptions): Activation {
  const log = logger(options)
  return {
    created: (task) => log(`schedtrace: created ${label(task)}`),
    running: (task) => log(`schedtrace: running ${label(task)}`),
    suspended: (task, trap) => log(`schedtrace: suspended ${label(task)} on ${trap}`),
    terminated: (task) => log(`schedtrace: terminated ${label(task)}`),
  }
}

/**
 * A line per blocking trap: what the task blocked on and, with debug capture on, where in
 * the user's code (`file:line`).
 */
export function traptrace(options?: TraceOptions): Activation {
  const log = logger(options)
  return {
    suspended(task, trap) {
      if (trap === 'exit') return
      const where = task.where()
      log(`traptrace: ${label(task)} ${trap}${where !== undefined && where !== trap ? ` at ${where}` : ''}`)
    },
  }
}

/**
 * Warn when a task runs longer than `ms` milliseconds (real time) without blocking: it holds
 * every other task up. The line names where it blocked at last, with debug capture on the
 * user's `file:line`. Hooks run in the order of `activations`: put it first, so the time
 * other activations spend in their own hooks is not counted against the task.
 */
export function longblock(ms: number, options?: TraceOptions): Activation {
  if (typeof ms !== 'number' || !(ms >= 0))
    throw new TypeError(`longblock takes milliseconds >= 0, got ${ms}`)
  const log = logger(options)
  let started = 0
  return {
    running() {
      started = performance.now()
    },
    suspended(task, trap) {
      const took = performance.now() - started
      if (took <= ms) return
      const where = trap === 'exit' ? 'its end' : (task.where() ?? trap)
      log(`longblock: ${label(task)} ran ${took.toFixed(1)} ms without blocking, until ${where}`)
    },
  }
}

/**
 * A line (with the stack) for every task that ends with an exception other than a
 * cancellation, at the moment it ends, whether or not someone joins it later.
 */
export function logcrash(options?: TraceOptions): Activation {
  const log = logger(options)
  return {
    terminated(task) {
      // The internals, not `task.exception`: reading that counts as looking at the outcome and
      // would silence the kernel's own report of a crash nobody joins.
      if (!task._failed || task._error instanceof CancelledError) return
      const error = task._error
      log(
        `logcrash: ${label(task)} crashed: ${error instanceof Error ? (error.stack ?? describeError(error)) : String(error)}`,
      )
    },
  }
}

/**
 * Milliseconds until the task's nearest deadline (the sleep it is in, or its innermost
 * timeout block), by `kernel`'s clock; undefined when it has none. For monitors.
 */
export function timeoutLeft(kernel: Kernel, task: Task<unknown>): number | undefined {
  let deadline = Number.POSITIVE_INFINITY
  const timers = kernel._timers
  const sleep = task._blockedOn as Partial<TimerEntry> | undefined
  const slept = typeof sleep?.heapIndex === 'number' ? timers.deadlineOf(sleep as TimerEntry) : undefined
  if (slept !== undefined && slept < deadline) deadline = slept
  const timeout = task._timeouts?.entry
  const timed = timeout === undefined ? undefined : timers.deadlineOf(timeout)
  if (timed !== undefined && timed < deadline) deadline = timed
  return deadline === Number.POSITIVE_INFINITY ? undefined : Math.max(0, deadline - kernel.now())
}
