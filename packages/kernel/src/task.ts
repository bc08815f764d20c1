import { AsyncResource, executionAsyncId } from 'node:async_hooks'
import { generalizeAsyncIdFields } from './async-context.js'
import { current } from './current.js'
import { CancelledError, TaskCancelled, TaskError } from './errors.js'
import { keepMaps } from './keep-maps.js'
import type { Kernel } from './kernel.js'
import type { Operation } from './operation.js'
import type { TaskGroup } from './task-group.js'
import type { TimeoutState } from './timeouts.js'
import { DELIVER, NOT_NOW, siteOf, Trap } from './trap.js'
import { innermostUserFrame, userFrames } from './where.js'

let nextTaskId = 1

const DAEMON = 1
const CANCELLED = 2
const TERMINATED = 4
/** @internal resume with `throw(_resume)`; read and written by the kernel's step directly */
export const THROWING = 8
const NO_CANCEL = 16
const FAILED = 32
const OBSERVED = 64
/** @internal in the ready queue */
export const READY = 128
/** the kernel's own shutdown task: runs in whatever context, is never published */
const MACHINERY = 256

/** What only some tasks need, kept out of every task's own object. */
class TaskExtras {
  timeouts: TimeoutState | undefined = undefined
  joiners: JoinTrap[] | undefined = undefined
  group: TaskGroup | undefined = undefined
  locals: Map<object, unknown> | undefined = undefined
  settle: ((task: Task<any>) => void) | undefined = undefined
  cancelPending: CancelledError | undefined = undefined
}

/** Options for `spawn`. */
export interface SpawnOptions {
  /** A daemon runs in the background; shutdown and task groups cancel it rather than wait for it. */
  daemon?: boolean
  /** Shown by `where()`, monitors and crash reports; defaults to the generator function's name. */
  name?: string
}

/** Options for `task.cancel`. */
export interface CancelOptions {
  /** Wait until the task has terminated (default true). */
  blocking?: boolean
  /** The exception to deliver instead of a new `TaskCancelled`. */
  exc?: CancelledError
}

enum JoinMode {
  Join = 0,
  Wait = 1,
  /** cancel, then wait for the end */
  Cancel = 2,
  /** cancel({ blocking: false }) */
  CancelNoWait = 3,
}

/**
 * A running operation. Created by `spawn`; the kernel steps it until it returns or throws.
 * Fields starting with `_` belong to the kernel.
 *
 * A task is a Node async resource (type `curio.Task`): it carries the async context
 * (`AsyncLocalStorage` stores) of the place it was spawned, and every step runs in it.
 */
export class Task<T = unknown> extends AsyncResource {
  /** Unique, increasing across kernels. */
  readonly id: number
  readonly name: string
  /** The id of the task that spawned it (undefined for a kernel's main task). */
  readonly parentId: number | undefined
  /** How many times the kernel has stepped it. */
  cycles: number

  // Discussion: a task costs what a suspended task holds, and servers hold many. The state
  // is kept to a few words: booleans live in one bit field, the outcome reuses `_resume`
  // (nothing resumes a terminated task), and what few tasks need (timeouts, joiners, group,
  // locals, promise) lives in a side object made on first use. Accessors below keep the
  // names readable; V8 inlines them. A pending cancellation is rare too (it lives from a
  // cancel() to the task's next blocking trap), so it is a side-object field. `state` is
  // derived, not stored: a field less per task and no string stores on the switch path.
  /** @internal */ _flags: number
  /** @internal */ _kernel: Kernel
  /** @internal */ _gen: Operation<any> | undefined
  /** @internal what the next step sends in (or throws in, with THROWING); the outcome once terminated */
  _resume: unknown
  /**
   * @internal while ready, the next task in the kernel's ready queue (ready-queue.ts); while
   * blocked, the trap it waits in. One field for both: a task is never both.
   */
  _link: Trap | Task<any> | undefined
  /** @internal intrusive list of the kernel's live tasks, oldest first */ _prev: Task<any> | undefined
  /** @internal */ _next: Task<any> | undefined
  /** @internal */ _x: TaskExtras | undefined

  /**
   * @internal use `spawn`. Made where the spawn is asked for (the `spawn()` call, `kernel.spawn`,
   * `run`), which is where the AsyncResource captures the async context (async-context.ts); the
   * kernel that runs it fills in the rest with `_adopt`.
   */
  constructor(name: string, daemon: boolean) {
    // The trigger given as a number: the constructor then skips its options object and default
    // trigger lookup (35 -> 20 ns a task, measured). It is the spawn site, as the default would be.
    super('curio.Task', executionAsyncId())
    this.id = nextTaskId++
    this.name = name
    this.parentId = undefined
    this.cycles = 0
    this._flags = daemon ? DAEMON | READY : READY
    this._kernel = undefined as unknown as Kernel
    this._gen = undefined
    this._resume = undefined
    this._link = undefined
    this._prev = undefined
    this._next = undefined
    this._x = undefined
  }

  /** @internal the kernel takes the task in: what it runs, and who spawned it */
  _adopt(kernel: Kernel, gen: Operation<T>, parent: Task<any> | undefined): void {
    this._kernel = kernel
    this._gen = gen
    if (parent !== undefined) (this as { parentId: number | undefined }).parentId = parent.id
  }

  /** @internal the async context it runs in: itself, or none for the kernel's own machinery */
  get _ctx(): Task<T> | undefined {
    return (this._flags & MACHINERY) === 0 ? this : undefined
  }

  /** @internal mark the kernel's own shutdown task */
  _machinery(): void {
    this._flags |= MACHINERY
  }

  /** @internal the blocking trap it is suspended in, whose teardown undoes the wait */
  get _blockedOn(): Trap | undefined {
    return (this._flags & READY) === 0 ? (this._link as Trap | undefined) : undefined
  }
  set _blockedOn(trap: Trap | undefined) {
    this._link = trap
  }
  /** What it is doing: READY, RUNNING, SLEEP, TASK_JOIN, FUTURE_WAIT, a wait queue's state, TERMINATED. */
  get state(): string {
    const flags = this._flags
    if ((flags & TERMINATED) !== 0) return 'TERMINATED'
    if ((flags & READY) !== 0) return 'READY'
    if (this._blockedOn !== undefined) return this._blockedOn._state()
    return current.task === this ? 'RUNNING' : 'SUSPENDED'
  }
  /** A daemon runs in the background; shutdown and task groups cancel it rather than wait. */
  get daemon(): boolean {
    return (this._flags & DAEMON) !== 0
  }
  /** True once someone asked it to stop with `cancel()`. */
  get cancelled(): boolean {
    return (this._flags & CANCELLED) !== 0
  }
  set cancelled(on: boolean) {
    this.flag(CANCELLED, on)
  }
  /** True once it has returned or thrown. */
  get terminated(): boolean {
    return (this._flags & TERMINATED) !== 0
  }
  set terminated(on: boolean) {
    this.flag(TERMINATED, on)
  }
  /** @internal resume with `throw(_resume)` rather than `next(_resume)` */
  get _throwing(): boolean {
    return (this._flags & THROWING) !== 0
  }
  set _throwing(on: boolean) {
    this.flag(THROWING, on)
  }
  /** @internal */
  get _allowCancel(): boolean {
    return (this._flags & NO_CANCEL) === 0
  }
  set _allowCancel(on: boolean) {
    this.flag(NO_CANCEL, !on)
  }
  /** @internal */
  get _failed(): boolean {
    return (this._flags & FAILED) !== 0
  }
  set _failed(on: boolean) {
    this.flag(FAILED, on)
  }
  /** @internal someone looked at the outcome (join, result, exception, toPromise, a group) */
  get _observed(): boolean {
    return (this._flags & OBSERVED) !== 0
  }
  set _observed(on: boolean) {
    this.flag(OBSERVED, on)
  }
  /** @internal the return value, once terminated without failing */
  get _value(): T | undefined {
    return this._failed ? undefined : (this._resume as T)
  }
  set _value(value: T | undefined) {
    this._resume = value
  }
  /** @internal the exception, once terminated by one */
  get _error(): unknown {
    return this._failed ? this._resume : undefined
  }
  set _error(error: unknown) {
    this._resume = error
  }
  /** @internal the cancellation or timeout waiting for the task's next blocking trap */
  get _cancelPending(): CancelledError | undefined {
    return this._x?.cancelPending
  }
  set _cancelPending(exc: CancelledError | undefined) {
    if (exc !== undefined || this._x !== undefined) this.extras().cancelPending = exc
  }
  /** @internal take the pending cancellation out, to deliver it */
  _takeCancel(): CancelledError | undefined {
    const exc = this._cancelPending
    this._cancelPending = undefined
    return exc
  }
  /** @internal */
  get _timeouts(): TimeoutState | undefined {
    return this._x?.timeouts
  }
  set _timeouts(state: TimeoutState | undefined) {
    this.extras().timeouts = state
  }
  /** @internal traps of tasks waiting for this one to end */
  get _joiners(): JoinTrap[] | undefined {
    return this._x?.joiners
  }
  set _joiners(joiners: JoinTrap[] | undefined) {
    if (joiners !== undefined || this._x !== undefined) this.extras().joiners = joiners
  }
  /** @internal */
  get _group(): TaskGroup | undefined {
    return this._x?.group
  }
  set _group(group: TaskGroup | undefined) {
    if (group !== undefined || this._x !== undefined) this.extras().group = group
  }
  /** @internal task-local values; replaced, never mutated, so children can share it */
  get _locals(): Map<object, unknown> | undefined {
    return this._x?.locals
  }
  set _locals(locals: Map<object, unknown> | undefined) {
    if (locals !== undefined || this._x !== undefined) this.extras().locals = locals
  }
  /** @internal */
  get _settle(): ((task: Task<any>) => void) | undefined {
    return this._x?.settle
  }
  set _settle(settle: ((task: Task<any>) => void) | undefined) {
    if (settle !== undefined || this._x !== undefined) this.extras().settle = settle
  }

  private flag(bit: number, on: boolean): void {
    this._flags = on ? this._flags | bit : this._flags & ~bit
  }

  private extras(): TaskExtras {
    if (this._x === undefined) this._x = new TaskExtras()
    return this._x
  }

  /** Wait for the end; return its value, or throw `TaskError` whose `cause` is its exception. */
  join(): Operation<T> {
    return new JoinTrap(this, JoinMode.Join) as unknown as Operation<T>
  }

  /** Wait for the end without taking its outcome; never throws the task's error. */
  wait(): Operation<void> {
    return new JoinTrap(this, JoinMode.Wait) as unknown as Operation<void>
  }

  /**
   * Ask the task to stop with `TaskCancelled` (or `options.exc`), delivered at its next blocking
   * point; with `blocking` (default) wait until it has terminated. Returns false if it had
   * already terminated.
   */
  cancel(options: CancelOptions = {}): Operation<boolean> {
    const blocking = options.blocking ?? true
    if (options.exc !== undefined && !(options.exc instanceof CancelledError)) {
      throw new TypeError('cancel({ exc }) takes a CancelledError (TaskCancelled or a subclass)')
    }
    const mode = blocking ? JoinMode.Cancel : JoinMode.CancelNoWait
    return new JoinTrap(this, mode, options.exc) as unknown as Operation<boolean>
  }

  /** The return value; re-throws the task's own exception. Only after it terminated. */
  get result(): T {
    this._needTerminated('result')
    this._observe()
    if (this._failed) throw this._error
    return this._value as T
  }

  /** The exception it ended with, or undefined. Only after it terminated. */
  get exception(): unknown {
    this._needTerminated('exception')
    this._observe()
    return this._failed ? this._error : undefined
  }

  /**
   * Where it is suspended: `file:line` of the innermost user frame with debug capture on,
   * else a description of what it waits on.
   */
  where(): string | undefined {
    const trap = this._blockedOn
    if (trap === undefined) return this.terminated ? undefined : this.state
    const site = siteOf(trap)
    return (site !== undefined ? innermostUserFrame(site.stack ?? '') : undefined) ?? trap.describe()
  }

  /** The chain of user frames it is suspended in, innermost first (debug capture only). */
  traceback(): string[] {
    const trap = this._blockedOn
    const site = trap === undefined ? undefined : siteOf(trap)
    return site === undefined ? [] : userFrames(site.stack ?? '')
  }

  /** A promise settled with the task's outcome, for code outside the kernel. */
  toPromise(): Promise<T> {
    this._observe()
    return new Promise<T>((resolve, reject) => {
      const settle = (task: Task<T>) => (task._failed ? reject(task._error) : resolve(task._value as T))
      if (this.terminated) return settle(this)
      const prev = this._settle
      this._settle =
        prev === undefined
          ? settle
          : (t) => {
              prev(t)
              settle(t)
            }
    })
  }

  override toString(): string {
    return `Task(${this.id}, ${this.name}, ${this.state})`
  }

  /** @internal */
  _observe(): void {
    if (!this._observed) {
      this._observed = true
      if (this.terminated && this._failed) this._kernel._crashObserved(this)
    }
  }

  private _needTerminated(what: string): void {
    if (!this.terminated) {
      throw new Error(
        `task ${this.id} (${this.name}) has not terminated: ${what} is only known after the end`,
      )
    }
  }

  /** @internal called by the kernel when the task has ended: hand the outcome to each waiter. */
  _wakeJoiners(): void {
    const joiners = this._joiners
    if (joiners === undefined) return
    this._joiners = undefined
    for (const trap of joiners) trap.complete()
  }
}

// A task made at load, whose id is given back, so task ids still start at 1: it generalizes the
// async-id fields, and keeps the task's maps alive (keep-maps.ts, at the end of this file).
const exemplar = new Task('exemplar', false)
giveBackTaskId()
generalizeAsyncIdFields(exemplar)

/** @internal a task made only as an exemplar (keep-maps.ts) gives its id back */
export function giveBackTaskId(): void {
  nextTaskId--
}

/** join / wait / cancel: each waits for the target to terminate, then hands back its own answer. */
class JoinTrap extends Trap {
  private waiter: Task<unknown> | undefined = undefined

  constructor(
    readonly target: Task<any>,
    readonly mode: JoinMode,
    readonly exc: CancelledError | undefined = undefined,
  ) {
    super()
  }

  /** A join or wait of a task that has already ended, or a cancel of one: no kernel needed. */
  override _now(_kernel: Kernel, task: Task<unknown>): unknown {
    const target = this.target
    if (!target.terminated || target === task) return NOT_NOW
    if (this.mode >= JoinMode.Cancel) return false
    if (this.mode === JoinMode.Join) target._group?._discard(target)
    return this.outcome()
  }

  run(kernel: Kernel, task: Task<unknown>): unknown {
    const target = this.target
    if (this.mode >= JoinMode.Cancel) {
      const blocking = this.mode === JoinMode.Cancel
      if (target.terminated) return false
      if (target === task && blocking) {
        throw new Error(
          'a task cannot cancel itself with blocking: true (it would wait for itself forever); use cancel({ blocking: false })',
        )
      }
      if (!target.cancelled) {
        target.cancelled = true
        target._kernel._interrupt(target, this.exc ?? quietCancel())
      }
      if (!blocking) return true
    } else {
      if (target === task)
        throw new Error(`a task cannot ${this.mode === JoinMode.Join ? 'join' : 'wait for'} itself`)
      if (this.mode === JoinMode.Join) target._group?._discard(target)
      if (target.terminated) return this.outcome()
    }
    if (!kernel._mayBlock(task)) return DELIVER
    this.waiter = task
    ;(target._joiners ??= []).push(this)
    return kernel._block(task, this)
  }

  override _state(): string {
    return this.mode >= JoinMode.Cancel ? 'TASK_CANCEL' : 'TASK_JOIN'
  }

  override teardown(): void {
    const joiners = this.target._joiners
    if (joiners !== undefined) {
      const i = joiners.indexOf(this)
      if (i >= 0) joiners.splice(i, 1)
    }
  }

  /** The target ended while we waited. */
  complete(): void {
    const waiter = this.waiter!
    const kernel = waiter._kernel
    try {
      kernel._wake(waiter, this.outcome())
    } catch (error) {
      kernel._wakeThrow(waiter, error)
    }
  }

  private outcome(): unknown {
    const target = this.target
    switch (this.mode) {
      case JoinMode.Join:
        // Observed only here, when the outcome reaches the joiner: a join abandoned on the
        // way (cancelled, timed out) must not hide a crash that nobody then sees.
        target._observe()
        if (target._failed) {
          throw new TaskError(
            `task ${target.id} (${target.name}) failed: ${describeError(target._error)}`,
            target._error,
          )
        }
        return target._value
      case JoinMode.Wait:
        return undefined
      default:
        return true
    }
  }

  describe(): string {
    const verb = this.mode === JoinMode.Join ? 'join' : this.mode === JoinMode.Wait ? 'wait' : 'cancel'
    return `${verb}(task ${this.target.id} ${this.target.name})`
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/** A TaskCancelled without a stack: its stack would only show the canceller's kernel frames. */
function quietCancel(): TaskCancelled {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return new TaskCancelled()
  } finally {
    Error.stackTraceLimit = limit
  }
}

keepMaps(exemplar, new TaskExtras(), new JoinTrap(exemplar, JoinMode.Join))
