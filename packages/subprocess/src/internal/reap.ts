import { disableCancellation, type Operation } from '@curio/kernel'
import type { Popen } from '../popen.js'

/** How long a child has to exit after SIGTERM before it gets SIGKILL. */
const KILL_GRACE_MS = 1000

/**
 * Stop the child and reap it: SIGTERM, SIGKILL after `KILL_GRACE_MS`, wait for the exit, then
 * SIGKILL whatever is left of its process group (with `startNewSession`). No zombie, no orphan.
 *
 * Discussion: this runs while a cancellation or timeout is on its way out, so the wait is
 * shielded (the pending exception is delivered after it). The grace timer is a plain Node
 * timer, not a kernel timeout: it must fire even though cancellation is disabled, and the
 * process wait already holds a virtual clock.
 */
export function* killAndReap(p: Popen): Operation<void> {
  if (p.poll() === null) {
    p.terminate()
    const timer = setTimeout(() => p.kill(), KILL_GRACE_MS)
    try {
      yield* disableCancellation(waitQuietly(p))
    } finally {
      clearTimeout(timer)
    }
  }
  p._killGroup()
}

function* waitQuietly(p: Popen): Operation<void> {
  try {
    yield* p.wait()
  } catch {
    // A child that never started has nothing to reap; the error already propagating wins.
  }
}
