import { disableCancellation } from './cancellation.js'
import { getCurrentTask } from './current.js'
import { CancelledError, TaskGroupError } from './errors.js'
import { type Operation, type OperationSource, toOperation } from './operation.js'
import { spawn } from './spawn.js'
import type { SpawnOptions, Task } from './task.js'
import { WaitQueue } from './wait-queue.js'

/**
 * When `join` returns: `all` tasks ended, `any` task ended, the first to return an `object`
 * (not undefined/null), or `none` (cancel everything at join).
 */
export type WaitMode = 'all' | 'any' | 'object' | 'none'

/** Options for `new TaskGroup` and `taskGroup`. */
export interface TaskGroupOptions {
  wait?: WaitMode
}

const modes: readonly WaitMode[] = ['all', 'any', 'object', 'none']

/** Failed on its own account: ended with an exception other than the cancellation it was sent. */
function failed(task: Task<unknown>): boolean {
  return task._failed && !(task.cancelled && task._error instanceof CancelledError)
}

/**
 * A set of tasks managed together. Whatever the mode, a child that fails ends the join: the
 * rest are cancelled and `result`/`results` re-throw the failure. After `join()` returns, no
 * task of the group is alive.
 *
 * Bookkeeping follows Curio's `TaskGroup`: `tasks`, `results` and `exceptions` cover the
 * non-daemon members in creation order; daemons are cancelled at join and otherwise ignored;
 * a task taken out with `nextDone()` or joined explicitly leaves the group.
 */
export class TaskGroup {
  private readonly mode: WaitMode
  /** Non-daemon members, the ones the bookkeeping covers. */
  private readonly members = new Set<Task<unknown>>()
  /** Members and daemons still running: join cancels whatever is left here. */
  private readonly running = new Set<Task<unknown>>()
  private nonDaemonRunning = 0
  /** Members that ended and that neither `nextDone` nor the join has looked at yet. */
  private readonly finished: Task<unknown>[] = []
  /** Members that failed on their own account, in completion order: `TaskGroupError.errors`. */
  private readonly failures: Task<unknown>[] = []
  private readonly waiters = new WaitQueue()
  private joined = false
  private decided: Task<unknown> | undefined = undefined

  constructor(options: TaskGroupOptions = {}, tasks: Iterable<Task<any>> = []) {
    const mode = options.wait ?? 'all'
    if (!modes.includes(mode))
      throw new TypeError(`TaskGroup wait must be one of ${modes.join(', ')}, got ${mode}`)
    this.mode = mode
    for (const task of tasks) this.addTask(task)
  }

  /** The non-daemon tasks in the group, in creation order (not those that left it). */
  get tasks(): Task<unknown>[] {
    return [...this.members].sort(byId)
  }

  /**
   * The first task the join examined: for `'all'` and `'any'` the first to end, a failed one
   * included; for `'object'` the first that returned a non-null value or failed.
   */
  get completed(): Task<unknown> | undefined {
    return this.decided
  }

  /** Spawn a task into the group; it runs in the async context current where this is called. */
  spawn<T>(op: OperationSource<T>, options?: SpawnOptions): Operation<Task<T>> {
    // Not a generator itself: the spawn trap is made (and the async context captured) now,
    // where `group.spawn()` is called, not when the caller's `yield*` gets to it.
    return this.spawnInto(spawn(op, options))
  }

  private *spawnInto<T>(trap: Operation<Task<T>>): Operation<Task<T>> {
    this.checkOpen()
    const task = yield* trap
    this.addTask(task)
    return task
  }

  /** Add a task spawned elsewhere. */
  addTask(task: Task<any>): void {
    this.checkOpen()
    if (task._group !== undefined) throw new Error(`task ${task.id} is already in a task group`)
    task._group = this
    // A daemon's outcome is nobody's business here, so its crash stays the crash reporter's.
    if (!task.daemon) {
      task._observe()
      this.members.add(task)
    }
    if (task.terminated) {
      this._taskDone(task)
      return
    }
    this.running.add(task)
    if (!task.daemon) this.nonDaemonRunning++
  }

  /**
   * Wait for the next task to end and return it, taking it out of the group; `undefined` when
   * none is left to wait for.
   */
  *nextDone(): Operation<Task<unknown> | undefined> {
    const task = yield* this.nextFinished()
    if (task !== undefined) this.leave(task)
    return task
  }

  /** The result of the next task to end (re-throwing its exception); it leaves the group. */
  *nextResult(): Operation<unknown> {
    const task = yield* this.nextDone()
    if (task === undefined) throw new Error('task group has no task left to wait for')
    return task.result
  }

  /**
   * Cancel every task still running and wait for each to end. The tasks it cancels leave the
   * group, as in Curio: a member that stops its siblings ("first one wins") leaves only the
   * results that count.
   */
  *cancelRemaining(): Operation<void> {
    const cancelled = yield* this.cancelAll()
    // One that failed on its own account while stopping stays, so the failure is not lost.
    for (const task of cancelled) if (!failed(task)) this.leave(task)
  }

  /** Cancel every running task but the caller, then wait for each; returns them. */
  private *cancelAll(): Operation<Task<unknown>[]> {
    // All at once, then wait for each: the children's cleanups run concurrently, so a group
    // of n tasks that each need t to clean up is done in t, not n * t.
    // A member may call this to stop its siblings ("first one wins"): it does not cancel itself.
    const me = getCurrentTask()
    const tasks = [...this.running].reverse().filter((task) => task !== me)
    for (const task of tasks) yield* task.cancel({ blocking: false })
    for (const task of tasks) yield* task.wait()
    return tasks
  }

  /** @internal the scoped form's body failed: close the group and cancel everything in it */
  *_abort(): Operation<void> {
    this.joined = true
    yield* disableCancellation(this.cancelAll())
  }

  /** Wait according to the mode, then cancel whatever is left. */
  *join(): Operation<void> {
    if (this.joined) return
    try {
      if (this.mode !== 'none') yield* this.collect()
    } finally {
      this.joined = true
      // Shielded: however join is left, no task of the group outlives it.
      yield* disableCancellation(this.cancelAll())
    }
  }

  /** Examine members as they end, as Curio's join does, until the mode is satisfied. */
  private *collect(): Operation<void> {
    for (;;) {
      const task = yield* this.nextFinished()
      if (task === undefined) return
      // Cancelled by someone else: neither a result nor a failure.
      if (task._failed && !failed(task)) continue
      const decisive = task._failed || this.mode !== 'object' || task._value != null
      if (decisive) this.decided ??= task
      if (task._failed || this.mode === 'any' || (this.mode === 'object' && decisive)) return
    }
  }

  /**
   * The `completed` task's result, re-throwing its exception; with no `completed` task, re-throws
   * the first failure (a `'none'` group examines nothing). After join only.
   */
  get result(): unknown {
    this.checkJoined('result')
    if (this.decided !== undefined) return this.decided.result
    const failure = this.failures[0]
    if (failure !== undefined) throw failure._error
    throw new Error('no task of the group completed with a result')
  }

  /** The `completed` task's exception (else the first failure), or undefined. After join only. */
  get exception(): unknown {
    this.checkJoined('exception')
    return this.decided !== undefined ? this.decided.exception : this.failures[0]?._error
  }

  /**
   * Every member's result, in creation order. Re-throws a failure first (the earliest created),
   * else the cancellation of a member the join cancelled. After join only.
   */
  get results(): unknown[] {
    this.checkJoined('results')
    const tasks = this.tasks
    const failure = tasks.find(failed)
    if (failure !== undefined) throw failure._error
    return tasks.map((task) => task.result)
  }

  /**
   * Every member's exception (undefined for one that returned; the `TaskCancelled` of one the
   * join cancelled), in creation order. After join only.
   */
  get exceptions(): unknown[] {
    this.checkJoined('exceptions')
    return this.tasks.map((task) => task.exception)
  }

  /** @internal the failures `TaskGroupError` reports: members that failed, in completion order */
  get _failures(): unknown[] {
    return this.failures.map((task) => task._error)
  }

  /** @internal a member or daemon ended */
  _taskDone(task: Task<unknown>): void {
    if (this.running.delete(task) && !task.daemon) this.nonDaemonRunning--
    if (task.daemon) return
    this.finished.push(task)
    if (failed(task)) this.failures.push(task)
    // One finished task is one answer for one waiter; but once nothing is left to wait for,
    // every waiter (several tasks may call join or nextDone) must see that, or it waits forever.
    if (this.nonDaemonRunning === 0) this.waiters.wakeAll()
    else this.waiters.wake(1)
  }

  /** @internal a member was joined explicitly: it leaves the group */
  _discard(task: Task<unknown>): void {
    this.leave(task)
    if (this.running.delete(task) && !task.daemon) this.nonDaemonRunning--
    // A waiting nextDone() may have been waiting for this very task: let it look again.
    this.waiters.wakeAll()
  }

  /** Wait for the next member to end, leaving it in the group. */
  private *nextFinished(): Operation<Task<unknown> | undefined> {
    for (;;) {
      const task = this.finished.shift()
      if (task !== undefined) return task
      if (this.nonDaemonRunning === 0) return undefined
      yield* this.waiters.suspend('TASK_GROUP_WAIT')
    }
  }

  private leave(task: Task<unknown>): void {
    task._group = undefined
    this.members.delete(task)
    for (const list of [this.finished, this.failures]) {
      const i = list.indexOf(task)
      if (i >= 0) list.splice(i, 1)
    }
  }

  private checkOpen(): void {
    if (this.joined) throw new Error('task group is already joined: no more tasks can be added')
  }

  private checkJoined(what: string): void {
    if (!this.joined) throw new Error(`task group ${what} is only known after join()`)
  }
}

function byId(a: Task<unknown>, b: Task<unknown>): number {
  return a.id - b.id
}

/**
 * The scoped form: run `body` with a new group, then join it. If `body` throws, the group's
 * tasks are cancelled first and the body's error propagates. If a child failed, throws
 * `TaskGroupError` after the join, with every failure.
 */
export function* taskGroup<R>(
  options: TaskGroupOptions | undefined,
  body: (group: TaskGroup) => Operation<R>,
): Operation<R> {
  if (typeof body !== 'function') throw new TypeError('taskGroup(options, body) takes a function* body')
  const group = new TaskGroup(options)
  let result: R
  try {
    result = yield* toOperation(() => body(group), 'taskGroup body')
  } catch (error) {
    yield* group._abort()
    throw error
  }
  yield* group.join()
  const errors = group._failures
  if (errors.length > 0) throw new TaskGroupError(errors)
  return result
}
