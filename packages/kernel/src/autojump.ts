/**
 * The virtual clock's autojump (Trio's `autojump_threshold`): with external waits pending and
 * no task ready for `ms` of real time, the clock jumps to the next deadline anyway.
 *
 * Discussion: a virtual clock must not jump while a socket, process or promise is pending,
 * because the outside world might answer "before" the deadline; but a test of a timeout
 * around an idle socket would then wait forever. The threshold says how long real silence
 * counts as "the outside world has nothing to say". Rather than clearing and re-arming a Node
 * timer on every kernel pass, the kernel records when it was last busy; the timer, when it
 * fires early relative to that, re-arms itself for the rest. The timer is armed only while
 * there is a finite deadline to jump to, and cleared when the run ends, so it never keeps a
 * finished program alive, and a program with nothing to jump to still reaches `beforeExit`
 * (deadlock detection).
 */
import { performance } from 'node:perf_hooks'

/** Validate the `autojump` option: a number of milliseconds, at least 0 (Infinity: never). */
export function checkAutojump(ms: unknown, virtual: boolean): number {
  if (ms === undefined) return Number.POSITIVE_INFINITY
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new TypeError(`autojump must be a number of milliseconds >= 0 (or Infinity), got ${String(ms)}`)
  }
  if (!virtual && ms !== Number.POSITIVE_INFINITY) {
    throw new TypeError("autojump applies only to the virtual clock: pass clock: 'virtual' with it")
  }
  return ms
}

/** Jumps a virtual clock after `ms` of real idleness; `jump()` is called back by a Node timer. */
export class Autojump {
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  private busyAt = 0

  constructor(
    private readonly ms: number,
    private readonly jump: () => void,
  ) {}

  /** The kernel went idle with external waits pending and a finite deadline ahead. */
  idle(): void {
    this.busyAt = performance.now()
    if (this.timer === undefined) this.arm(this.ms)
  }

  /** Nothing to jump to, or the run ended: drop the timer. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm(delay: number): void {
    this.timer = setTimeout(this.fire, Math.max(0, Math.ceil(delay)))
  }

  private readonly fire = (): void => {
    this.timer = undefined
    const quiet = performance.now() - this.busyAt
    if (quiet + 0.5 < this.ms) this.arm(this.ms - quiet)
    else this.jump()
  }
}
