import { current } from './current.js'
import type { Kernel } from './kernel.js'
import type { Task } from './task.js'

/** `trap.run` result: the task is suspended; someone will wake it. */
export const BLOCKED: unique symbol = Symbol('curio.blocked')
/** `trap.run` result: a cancellation is pending and deliverable; the kernel throws it instead. */
export const DELIVER: unique symbol = Symbol('curio.deliver')
/** A resume value: send the kernel clock of the pass the task resumes in. */
export const CLOCK_ON_RESUME: unique symbol = Symbol('curio.clockOnResume')

/** `trap._now` result: it cannot finish without the kernel (it may block). */
export const NOT_NOW: unique symbol = Symbol('curio.notNow')

/** Set while any kernel has debug capture on: traps then record where they were created. */
export const debugCapture = { enabled: 0 }

const sites = new WeakMap<Trap, Error>()

/**
 * @internal The fast path of `next` (below) is on unless a test turns it off, to check that
 * programs give the same events both ways. Not exported from the package.
 */
export const fastPath = { enabled: true }

/** Where `trap` was created, when debug capture was on then. */
export function siteOf(trap: Trap): Error | undefined {
  return sites.get(trap)
}

/**
 * A request to the kernel, and at the same time the one-step operation that yields it.
 *
 * Discussion: `yield* sleep(10)` needs an iterator. Rather than a generator per trap (an
 * allocation of ~100 bytes and a frame), the trap is its own iterator and its own iterator
 * result: `next()` returns `this` with `value = this, done = false`, and on the second call
 * `value = <what the kernel sent>, done = true`. `yield*` hands the inner result object
 * straight to the kernel, so a blocking call costs one small object. `_s` tells the kernel
 * whether the trap arrived through `yield*` (1) or was yielded bare (0), which is the
 * "yield without the star" mistake.
 */
export abstract class Trap {
  declare value: unknown
  declare done: boolean
  /**
   * 0 fresh, 1 yielded to the kernel, 2 finished, 3 yielded to the kernel after `_now` was
   * tried (a blocking trap's `run` need not try again).
   */
  declare _s: number
  // Discussion: where a trap was created, when debug capture is on, is kept in `sites`
  // (above), not in a field: every trap would carry a word that only debugging reads, and a
  // sleeping task holds its trap. The innermost user frame of the error's stack is where the
  // task waits. The Error, not its `stack` string: V8 records the frames when the Error is
  // made but formats them only when `stack` is first read, and formatting costs most, above
  // all with source maps on: reading `stack` at once made a switch with capture on 114 us
  // under tsx, keeping the Error 8 us (bench/src/debug.bench.ts).
  // Only the few traps someone asks `where()` of pay for the formatting.

  // Discussion: these are assignments, not class-field initializers, on purpose. Fields are
  // defined with [[DefineOwnProperty]], and in a base class shared by a dozen trap classes
  // that define is megamorphic: measured 20x slower per object (1.3 us vs 55 ns) than a
  // plain store, on every blocking call.
  constructor() {
    this.value = undefined
    this.done = false
    this._s = 0
    if (debugCapture.enabled > 0) sites.set(this, new Error())
  }

  /** Carry the request out for `task`: return its value, or `BLOCKED`, or `DELIVER`. */
  abstract run(kernel: Kernel, task: Task<unknown>): unknown

  /**
   * Finish at once without the kernel, if it can: a value, `DELIVER`, or `NOT_NOW` when only
   * `run` can answer (the task may block). Never blocks, never registers a wait.
   */
  _now(_kernel: Kernel, _task: Task<unknown>): unknown {
    return NOT_NOW
  }

  /** Undo what a blocking `run` registered (timer, queue entry, listener). */
  teardown(_kernel: Kernel, _task: Task<unknown>): void {}

  /** The state a task blocked here shows, e.g. `SLEEP`. */
  _state(): string {
    return 'BLOCKED'
  }

  /** Short description for `task.where()` and monitors, e.g. `sleep(100)`. */
  abstract describe(): string

  [Symbol.iterator](): this {
    return this
  }

  // Discussion: the fast path. A trap that can finish at once (spawn, clock, a join of a task
  // that has ended, a queue get that finds an item) does its work right here, while the task
  // is being stepped (`current.task`), and `yield*` sees `done` at once: the task's generator
  // never suspends and the kernel's loop never sees the trap. The answer is the same one
  // `run` would give a step later, since nothing runs between the yield and the kernel's
  // `run`; an error thrown here surfaces at the same `yield*`. Measured: spawn+join of 10k
  // tasks 1.3x faster, a queue ping-pong 1.3x (bench kernel, sync-queue). Outside a step (a
  // generator driven by hand) the trap goes the long way.
  next(sent?: unknown): this {
    if (this._s === 0) {
      const task = current.task
      if (task !== undefined && fastPath.enabled) {
        let out: unknown
        try {
          out = this._now(task._kernel, task)
        } catch (error) {
          this._s = 2
          throw error
        }
        if (out !== NOT_NOW) {
          this._s = 2
          if (out === DELIVER) throw task._takeCancel()
          this.value = out
          this.done = true
          return this
        }
        this._s = 3
      } else {
        this._s = 1
      }
      this.value = this
      this.done = false
      return this
    }
    if (this._s === 1 || this._s === 3) {
      this._s = 2
      this.value = sent
      this.done = true
      return this
    }
    throw new TypeError(
      `operation ${this.describe()} was already used: an operation runs once, call the function again for a new one`,
    )
  }

  throw(error: unknown): never {
    this._s = 2
    throw error
  }

  return(value?: unknown): this {
    this._s = 2
    this.value = value
    this.done = true
    return this
  }
}

/** A trap that never blocks: it always finishes at once, in `next`, when a task steps it. */
export abstract class InstantTrap extends Trap {
  override _now(kernel: Kernel, task: Task<unknown>): unknown {
    return this.run(kernel, task)
  }
}

/** Explains what a task yielded when it was not a trap reached through `yield*`. */
export function misuseError(yielded: unknown): TypeError {
  // A trap stepped through `yield*` (`_s === 1`) that is not one of ours comes from another
  // copy of this module: ESM and CommonJS builds, or two versions, loaded side by side.
  if (
    !(yielded instanceof Trap) &&
    isGenerator(yielded) &&
    (yielded as unknown as { _s?: number })._s === 1
  ) {
    return new TypeError(
      'a task yielded an operation of another copy of @curio/kernel: the process has loaded it twice ' +
        '(import and require side by side, or two versions); load one copy',
    )
  }
  if (yielded instanceof Trap || isGenerator(yielded)) {
    return new TypeError('a task yielded an operation without the star: write `yield* op`, not `yield op`')
  }
  if (isThenable(yielded)) {
    return new TypeError(
      'a task yielded a Promise: write `yield* awaitPromise(promise)`; `yield` alone does nothing',
    )
  }
  return new TypeError(
    `a task yielded ${describeValue(yielded)}: tasks may only \`yield*\` operations (generators made with function*)`,
  )
}

export function isGenerator(value: unknown): value is Generator {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Generator).next === 'function' &&
    typeof (value as Generator).throw === 'function' &&
    typeof (value as Generator)[Symbol.iterator] === 'function'
  )
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 40))})`
  return `${typeof value} ${String(value)}`
}
