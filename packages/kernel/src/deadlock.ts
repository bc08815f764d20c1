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
 */
import type { Kernel } from './kernel.js'

/** Kernels with a `run()` (or `close()`) pending, in the order they started. */
const running = new Set<Kernel>()
let pending: ReturnType<typeof setImmediate> | undefined

function onBeforeExit(): void {
  if (pending !== undefined) return
  pending = setImmediate(() => {
    pending = undefined
    let newest: Kernel | undefined
    for (const kernel of running) newest = kernel
    newest?._deadlock()
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
}
