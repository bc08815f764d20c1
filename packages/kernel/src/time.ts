import { keepMaps } from './keep-maps.js'
import type { Kernel } from './kernel.js'
import type { Operation } from './operation.js'
import type { Task } from './task.js'
import type { TimerEntry } from './timer-heap.js'
import { BLOCKED, CLOCK_ON_RESUME, DELIVER, InstantTrap, Trap } from './trap.js'

class ClockTrap extends InstantTrap {
  run(kernel: Kernel): number {
    return kernel.now()
  }
  describe(): string {
    return 'clock()'
  }
}

/** The kernel clock in milliseconds; no switch, not a cancellation point. */
export function clock(): Operation<number> {
  return new ClockTrap() as unknown as Operation<number>
}

/**
 * A sleep is its own heap entry: one object per blocking call, and what a sleeping task holds,
 * so it keeps three words of its own (`wakeAt` is a subclass rather than a flag field; the
 * deadline is kept by the heap).
 */
class SleepTrap extends Trap implements TimerEntry {
  heapIndex: number
  private task: Task<unknown> | undefined

  constructor(protected readonly ms: number) {
    super()
    this.heapIndex = -1
    this.task = undefined
  }

  /** The clock this sleep ends at, given the clock now. */
  protected deadline(now: number): number {
    return now + this.ms
  }

  /** sleep(0): a fair yield that reads no clock. */
  protected isYield(): boolean {
    return this.ms <= 0
  }

  run(kernel: Kernel, task: Task<unknown>): unknown {
    if (!kernel._mayBlock(task)) return DELIVER
    if (this.isYield()) {
      // sleep(0): no clock read per call; the kernel sends the clock of the pass it resumes in.
      kernel._wake(task, CLOCK_ON_RESUME)
      return BLOCKED
    }
    const now = kernel.now()
    const deadline = this.deadline(now)
    if (deadline <= now) {
      // A fair yield: to the back of the ready queue, behind every task ready now.
      // It is ready again at once, so there is nothing to tear down: not `_block`.
      kernel._wake(task, now)
      return BLOCKED
    }
    this.task = task
    kernel._timers.add(this, deadline)
    return kernel._block(task, this)
  }

  override _state(): string {
    return 'SLEEP'
  }

  override teardown(kernel: Kernel): void {
    kernel._timers.remove(this)
  }

  expire(now: number): void {
    const task = this.task!
    task._kernel._wake(task, now)
  }

  describe(): string {
    return `sleep(${this.ms})`
  }
}

/** `wakeAt(clock)`: a sleep until an absolute clock. */
class WakeAtTrap extends SleepTrap {
  protected override deadline(): number {
    return this.ms
  }
  protected override isYield(): boolean {
    return false
  }
  override describe(): string {
    return `wakeAt(${this.ms})`
  }
}

function checkTime(value: unknown, what: string): number {
  if (typeof value !== 'number')
    throw new TypeError(`${what} takes milliseconds as a number, got ${typeof value}`)
  return value
}

/**
 * Block for at least `ms` milliseconds; returns the clock on wake. `sleep(0)` lets every other
 * ready task run first; a negative or NaN time counts as 0.
 */
export function sleep(ms: number): Operation<number> {
  const t = checkTime(ms, 'sleep')
  return new SleepTrap(Math.max(t, 0) || 0) as unknown as Operation<number>
}

/** Let every other ready task run, then continue: the same as `sleep(0)`. */
export function schedule(): Operation<void> {
  return new SleepTrap(0) as unknown as Operation<void>
}

/** Block until the kernel clock reaches `deadline`; returns the clock on wake. */
export function wakeAt(deadline: number): Operation<number> {
  const t = checkTime(deadline, 'wakeAt')
  return new WakeAtTrap(Number.isNaN(t) ? 0 : t) as unknown as Operation<number>
}

keepMaps(new ClockTrap(), new SleepTrap(0), new WakeAtTrap(0)) // keep-maps.ts
