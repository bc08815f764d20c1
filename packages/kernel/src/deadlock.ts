/**
 * Deadlock detection: Node's `beforeExit` while a kernel's `run()` is pending is a proof that
 * no task can ever be woken again.
 *
 * Discussion: every wake comes from Node's event loop: a timer (the kernel arms one for its
 * nearest deadline, and the autojump timer), an I/O or process callback, a promise settled
 * by one of those. Node emits `beforeExit` only when the loop has nothing left to wait for,
 * so a pending `run()` at that point would end with Node's exit code 13 and not a word. Curio
 * would hang; we do better: the kernel cancels every task newest first (so `finally` blocks
 * run), reports unjoined crashes, and rejects `run()` with `DeadlockError`.
 *
 * One kernel per `beforeExit`, newest first, and from a `setImmediate`: cancelling one
 * kernel's tasks may wake another's (a task awaiting `toPromise()` of a task of the first),
 * and an immediate keeps the loop alive, so Node emits `beforeExit` again if the others are
 * still stuck. The listener is installed only while some kernel is running and removed
 * after, so no listener is left behind.
 *
 * Discussion (two sightings): another `beforeExit` listener (the program's own) may schedule
 * work that wakes a task, say a `setTimeout` that sets an event; our immediate would run
 * before that timer. So the first sighting only records how far the kernel got (the steps
 * of its live tasks); the event loop turns once more, and only a second `beforeExit` with no
 * step taken in between is a deadlock. It costs one extra turn of an idle loop.
 */
import type { Kernel } from './kernel.js'

/** Kernels with a `run()` (or `close()`) pending, in the order they started. */
const running = new Set<Kernel>()
let pending: ReturnType<typeof setImmediate> | undefined
/** The kernel seen idle at the last `beforeExit`, and its progress then. */
let suspect: { kernel: Kernel; progress: number } | undefined

/** Steps taken by the kernel's live tasks, plus their count: it changes whenever anything runs. */
function progress(kernel: Kernel): number {
  let steps = 0
  const tasks = kernel.tasks()
  for (const task of tasks) steps += task.cycles
  return steps * 1024 + tasks.length
}

function onBeforeExit(): void {
  if (pending !== undefined) return
  pending = setImmediate(() => {
    pending = undefined
    let newest: Kernel | undefined
    for (const kernel of running) newest = kernel
    if (newest === undefined) return
    const now = progress(newest)
    if (suspect?.kernel !== newest || suspect.progress !== now) {
      suspect = { kernel: newest, progress: now } // first sighting: look again at the next one
      return
    }
    suspect = undefined
    newest._deadlock()
  })
}

/** A kernel started running: watch for the event loop running dry. */
export function watchDeadlock(kernel: Kernel): void {
  if (running.size === 0) process.on('beforeExit', onBeforeExit)
  running.add(kernel)
}

/** A kernel's run ended: stop watching it. */
export function unwatchDeadlock(kernel: Kernel): void {
  if (!running.delete(kernel) || running.size !== 0) return
  process.off('beforeExit', onBeforeExit)
  if (pending !== undefined) clearImmediate(pending)
  pending = undefined
  suspect = undefined
}
