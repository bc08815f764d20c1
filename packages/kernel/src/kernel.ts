/**
 * The kernel: the only code that steps task generators.
 *
 * Principles (after Curio's kernel.py):
 * - Tasks run until they block. Non-blocking traps (spawn, clock, currentTask) answer at once
 *   and the task keeps running in the same step; blocking traps suspend it until a waker calls
 *   `_wake` / `_wakeThrow`.
 * - Cancellation and timeouts are exceptions thrown into a task at a blocking trap, never
 *   anywhere else. Every blocking trap has a teardown that undoes its registration.
 * - All loop state lives here; traps are small objects whose `run` asks the kernel for what
 *   they need. Nothing outside the kernel package touches this state.
 * - The kernel lives inside Node's event loop: it steps every ready task, then returns. It is
 *   woken by one Node timer (the nearest deadline), by wakes from callbacks (I/O, promises),
 *   and it returns to the event loop every few milliseconds of continuous running.
 */
import { performance } from 'node:perf_hooks'
import type { Activation } from './activation.js'
import { Autojump, checkAutojump } from './autojump.js'
import { current } from './current.js'
import { unwatchDeadlock, watchDeadlock } from './deadlock.js'
import { endChannel, publishTask, spawnChannel } from './diagnostics.js'
import { CancelledError, DeadlockError, KernelClosed, TaskTimeout } from './errors.js'
import { keepLatest } from './keep-maps.js'
import { type Operation, type OperationSource, sourceName, toOperation } from './operation.js'
import { ReadyQueue } from './ready-queue.js'
import { describeError, READY, type SpawnOptions, Task, THROWING } from './task.js'
import { TimerHeap } from './timer-heap.js'
import { BLOCKED, CLOCK_ON_RESUME, DELIVER, debugCapture, misuseError, Trap } from './trap.js'

/** Options for `new Kernel` and `run`. */
export interface KernelOptions {
  /** `'virtual'`: time jumps to the next deadline whenever nothing else can happen. Default `'real'`. */
  clock?: 'real' | 'virtual'
  /**
   * Virtual clock only: ms of real time with external waits (sockets, processes, promises)
   * pending and no task ready, after which the clock jumps to the next deadline anyway.
   * Default `Infinity` (never).
   */
  autojump?: number
  /** Hooks called as tasks are created, stepped and terminated. */
  activations?: Activation[]
  /** Record where each task is suspended (`task.where()`); also on with `CURIO_DEBUG=1`. */
  debug?: boolean | DebugOptions
  /** Where crashes of never-joined tasks are reported; default `console.error`. */
  reportCrash?: (report: CrashReport) => void
}

/** Fine-grained debug settings. */
export interface DebugOptions {
  /** Capture the creation stack of every trap, so `where()` names the user's `file:line`. */
  locations?: boolean
}

/** A task that failed and whose outcome nobody looked at. */
export interface CrashReport {
  taskId: number
  name: string
  error: unknown
}

/** Options for `kernel.run`. */
export interface RunOptions {
  /** Cancel every task still alive once main ends (default true). */
  shutdown?: boolean
}

/**
 * The kernel re-enters through a job on this promise rather than `queueMicrotask`.
 *
 * Discussion: Node's `queueMicrotask` makes an AsyncResource and a bound function per call,
 * and a wake from a socket callback schedules the loop once per message: the socket echo's CPU
 * per message against raw `node:net` went 0.89x -> 0.94x, 0.87x -> 0.92x, 0.76x -> 0.86x in
 * three paired runs with this instead. Each task runs in its own async context anyway
 * (async-context.ts), so the loop's own context does not matter. `loop` catches what tasks
 * throw; an error escaping it (a throwing activation hook) becomes an unhandled rejection,
 * which ends the process as an uncaught exception would.
 */
const resolved = Promise.resolve()

/** Longest stretch of continuous running before the kernel lets Node's event loop turn. */
const SLICE_MS = 4
/** Passes within this many ms of real time count as short: the clock is then read less often. */
const CLOCK_STRETCH_MS = 0.05
/** The longest delay Node's setTimeout takes as given. */
const MAX_NODE_DELAY = 2 ** 31 - 1

function defaultReportCrash(report: CrashReport): void {
  const error = report.error
  console.error(
    `curio: task ${report.taskId} (${report.name}) crashed and was never joined:`,
    error instanceof Error ? (error.stack ?? describeError(error)) : error,
  )
}

/** Runs tasks. Most programs use `run(main)`; embed a `Kernel` to run several mains in turn. */
export class Kernel {
  /** True when the kernel's clock is virtual. */
  readonly virtual: boolean
  /** @internal */ _external = 0
  private readonly ready = new ReadyQueue()
  private readonly timers = new TimerHeap()
  private readonly hooks: Activation[] | undefined
  private readonly debug: boolean
  private readonly reportCrash: (report: CrashReport) => void
  private running = false
  private scheduled = false
  private active = false
  private closed = false
  private vnow = 0
  private macroAt = 0
  private nodeTimer: ReturnType<typeof setTimeout> | undefined = undefined
  private nodeTimerAt = Number.POSITIVE_INFINITY
  private immediate: ReturnType<typeof setImmediate> | undefined = undefined
  /** Live tasks, oldest first: shutdown cancels from the tail. */
  private liveHead: Task<any> | undefined = undefined
  private liveTail: Task<any> | undefined = undefined
  private main: Task<any> | undefined = undefined
  private shutdownTask: Task<any> | undefined = undefined
  private shutdownOnExit = true
  private settleRun: ((deadlock?: DeadlockError) => void) | undefined = undefined
  /** Set when the event loop ran dry during this run (deadlock.ts); settles it. */
  private deadlocked: DeadlockError | undefined = undefined
  /** The virtual clock's autojump timer (autojump.ts), when the option is finite. */
  private readonly autojump: Autojump | undefined
  private closing: Promise<void> | undefined = undefined
  private readonly unobserved = new Map<number, CrashReport>()
  private readonly registry = new FinalizationRegistry<number>((id) => this.reportUnobserved(id))

  constructor(options: KernelOptions = {}) {
    if (options.clock !== undefined && options.clock !== 'real' && options.clock !== 'virtual') {
      throw new TypeError(`clock must be 'real' or 'virtual', got ${String(options.clock)}`)
    }
    this.virtual = options.clock === 'virtual'
    const autojump = checkAutojump(options.autojump, this.virtual)
    this.autojump =
      autojump === Number.POSITIVE_INFINITY ? undefined : new Autojump(autojump, this.onAutojump)
    this.hooks = options.activations?.length ? [...options.activations] : undefined
    const debug = options.debug ?? process.env.CURIO_DEBUG === '1'
    this.debug = typeof debug === 'object' ? debug.locations !== false : debug
    this.reportCrash = options.reportCrash ?? defaultReportCrash
    for (const hook of this.hooks ?? []) hook.activate?.(this)
  }

  private passClock = Number.NaN
  /** Real clock: passes left before the loop next reads the clock for timers (fireTimersAt). */
  private passesToClock = 0
  private clockEvery = 1
  private clockReadAt = Number.NEGATIVE_INFINITY

  /** The clock read once per pass, for resumes that only need "about now" (sleep(0)). */
  private passNow(): number {
    if (Number.isNaN(this.passClock)) this.passClock = this.now()
    return this.passClock
  }

  /** The kernel clock in milliseconds (virtual time with a virtual clock). */
  now(): number {
    return this.virtual ? this.vnow : performance.now()
  }

  /** Every task still alive, oldest first. */
  tasks(): Task<unknown>[] {
    const out: Task<unknown>[] = []
    for (let t = this.liveHead; t !== undefined; t = t._next) out.push(t)
    return out
  }

  /**
   * Create a task from outside any task: for an activation that runs its own task (a
   * monitor's server) or for code embedding the kernel. It starts with the kernel's current or
   * next run, has no parent, and is cancelled at shutdown like any other task.
   */
  spawn<T>(source: OperationSource<T>, options: SpawnOptions = {}): Task<T> {
    const task = new Task<T>(options.name ?? sourceName(source) ?? 'task', options.daemon ?? false)
    this.spawnTask(task, toOperation(source, 'spawn'), undefined)
    if (!this.running) this.schedule()
    return task
  }

  /**
   * Run `main` as a task until it ends; resolve with its value or reject with its exception.
   * With `shutdown` (default) every task still alive is then cancelled, newest first.
   */
  run<T>(main: OperationSource<T>, options: RunOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(new KernelClosed())
    if (this.active) return Promise.reject(new Error('kernel is already running: one run at a time'))
    let task: Task<T>
    try {
      task = new Task<T>(sourceName(main) ?? 'main', false)
      this.spawnTask(task, toOperation(main, 'run'), undefined)
    } catch (error) {
      return Promise.reject(error)
    }
    task._observed = true
    this.main = task
    this.shutdownOnExit = options.shutdown ?? true
    return new Promise<T>((resolve, reject) => {
      this.settleRun = (deadlock) => {
        if (deadlock !== undefined) reject(deadlock)
        else if (task._failed) reject(task._error)
        else resolve(task._value as T)
      }
      this.activate()
    })
  }

  /** Cancel every task still alive, release timers and handles; the kernel runs nothing more. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    // A second close() while the first is still cancelling survivors waits for the same end.
    if (this.closing !== undefined) return this.closing
    if (this.active) return Promise.reject(new Error('kernel is running: close it after run() settles'))
    if (this.liveHead === undefined) {
      this.finalize()
      return Promise.resolve()
    }
    this.closing = new Promise<void>((resolve) => {
      this.settleRun = () => {
        this.finalize()
        resolve()
      }
      this.startShutdown()
      this.activate()
    })
    return this.closing
  }

  // ---- run lifecycle -------------------------------------------------------------------

  private activate(): void {
    this.active = true
    watchDeadlock(this) // deadlock.ts: a pending run must never end in silence
    if (this.debug) debugCapture.enabled++
    this.schedule()
  }

  private deactivate(): void {
    this.active = false
    // keep-maps.ts: a kernel's fields turn from constants to mutable as it runs, so its map is
    // not the one a kernel has when made at load; one made now has the map running kernels have.
    keepLatest('kernel', new Kernel())
    unwatchDeadlock(this)
    if (this.debug) debugCapture.enabled--
    this.clearNodeTimer()
    this.autojump?.cancel()
    if (this.immediate !== undefined) clearImmediate(this.immediate)
    this.immediate = undefined
    const settle = this.settleRun
    const deadlock = this.deadlocked
    this.settleRun = undefined
    this.deadlocked = undefined
    settle?.(deadlock)
  }

  private mainEnded(): void {
    // A deadlock's shutdown is already cancelling everything, main included.
    if (this.shutdownTask !== undefined) return
    if (this.shutdownOnExit) this.startShutdown()
    else this.deactivate()
  }

  private startShutdown(): void {
    const task = new Task('shutdown', true)
    task._adopt(this, shutdown(this), undefined)
    task._machinery()
    task._observed = true
    this.shutdownTask = task
    this.ready.push(task)
  }

  private shutdownEnded(): void {
    this.shutdownTask = undefined
    this.reportAllUnobserved()
    this.timers.clear()
    this.deactivate()
  }

  private finalize(): void {
    // A kernel closed with no task left to cancel has no shutdown task, yet crashes from
    // earlier `shutdown: false` runs may still be unreported: this is their last chance.
    this.reportAllUnobserved()
    this.closed = true
    this.timers.clear()
    this.clearNodeTimer()
  }

  /**
   * @internal Node's event loop ran dry while this kernel was running (deadlock.ts): no task
   * can be woken. Cancel them all newest first and settle the run with `DeadlockError`.
   *
   * Discussion: the tasks are listed as they were blocked, before cancelling changes their
   * state; main first, since that is where a reader starts. If a shutdown is already under way
   * and still stuck (a `finally` block waiting for something that never comes), cancelling
   * again would change nothing: the run ends at once and the stuck tasks stay suspended.
   */
  _deadlock(): void {
    if (!this.active || this.running) return
    const blocked = this.tasks()
    const main = this.main
    if (main !== undefined) {
      blocked.splice(blocked.indexOf(main), 1)
      blocked.unshift(main)
    }
    this.deadlocked ??= new DeadlockError(
      blocked.map((t) => ({ id: t.id, name: t.name, state: t.state, where: t.where() })),
    )
    if (this.shutdownTask === undefined) {
      this.startShutdown()
      this.schedule()
    } else {
      this.shutdownEnded()
    }
  }

  /** @internal the newest live task, for shutdown */
  _newest(): Task<unknown> | undefined {
    return this.liveTail
  }

  // ---- scheduling ----------------------------------------------------------------------

  private schedule(): void {
    if (this.scheduled || this.running || !this.active) return
    this.scheduled = true
    // Microtasks are the fastest way back in, but a kernel that only ever re-enters through
    // microtasks would starve timers and I/O: after a slice, go through setImmediate.
    if (performance.now() - this.macroAt > SLICE_MS) this.immediate = setImmediate(this.macroLoop)
    else resolved.then(this.loop)
  }

  private readonly macroLoop = (): void => {
    this.immediate = undefined
    this.macroAt = performance.now()
    this.loop()
  }

  private readonly onNodeTimer = (): void => {
    this.nodeTimer = undefined
    this.nodeTimerAt = Number.POSITIVE_INFINITY
    this.macroAt = performance.now()
    this.loop()
  }

  private readonly loop = (): void => {
    this.scheduled = false
    if (this.running || !this.active) return
    this.running = true
    const saved = current.task
    const ready = this.ready
    let sinceCheck = 0
    this.passesToClock = 0 // after a turn of Node's event loop, look at the clock after the first pass
    try {
      for (;;) {
        let n = ready.length
        if (n === 0) {
          if (this.timers.size === 0) break
          if (this.fireTimers(this.now())) continue
          if (this.virtual && this._external === 0) {
            // Discussion: nothing can happen before the next deadline except through an
            // external wait, and none is pending, so the virtual clock jumps there at once.
            const next = this.timers.nextDeadline()
            // sleep(Infinity) never ends: time does not jump to infinity (every clock after it
            // would be Infinity); with nothing else to happen the kernel waits, as a real one would.
            if (next === Number.POSITIVE_INFINITY) break
            this.vnow = next
            continue
          }
          break
        }
        // Each pass steps the tasks that were ready when it began; tasks made ready during
        // the pass (including by timers) run in the next one.
        sinceCheck += n
        this.passClock = Number.NaN
        // Each step runs in its task's async context (async-context.ts).
        do this.stepInContext(ready.shift()!)
        while (--n !== 0 && this.active)
        if (!this.active) break
        if (this.timers.size !== 0) {
          if (this.virtual) this.fireTimers(this.vnow)
          else if (--this.passesToClock <= 0) this.fireTimersAt(performance.now())
        }
        if (sinceCheck >= 64) {
          sinceCheck = 0
          if (this.sliceOver()) break
        }
      }
    } finally {
      this.running = false
      current.task = saved
    }
    this.armNodeTimer()
  }

  /**
   * Fire the timers due by the real clock, and decide how many passes go by before the next
   * look at it.
   *
   * Discussion: a clock read costs about what a whole task switch does, and with a single
   * timer pending (a timeout anywhere in the program) a read after every pass made a
   * hand-over ping-pong 1.3-1.4x slower. So while passes are short, the clock is read every
   * few passes (doubling up to 64) as long as less than `CLOCK_STRETCH_MS` went by between
   * two reads; a long pass brings it back to every pass. While steps are short a timer fires
   * at most about that stretch late (Node's own timers have a 1 ms grain); when they turn long,
   * the clock is read again within 64 steps, at the check that lets Node's event loop turn
   * (`sliceOver`). The virtual clock is a field, read after every pass as before.
   */
  private fireTimersAt(now: number): void {
    this.clockEvery = now - this.clockReadAt < CLOCK_STRETCH_MS ? Math.min(this.clockEvery * 2, 64) : 1
    this.passesToClock = this.clockEvery
    this.clockReadAt = now
    this.fireTimers(now)
  }

  /**
   * After a slice of continuous running with tasks still ready, go back to Node's event loop
   * (through setImmediate); returns true if so.
   */
  private sliceOver(): boolean {
    if (this.ready.length === 0) return false
    const now = performance.now()
    // The timers get this clock read too: however long the steps, they are looked at at least
    // this often.
    if (this.timers.size !== 0 && !this.virtual) this.fireTimersAt(now)
    if (now - this.macroAt <= SLICE_MS) return false
    this.scheduled = true
    this.immediate = setImmediate(this.macroLoop)
    return true
  }

  /**
   * Step `task` inside its async context (async-context.ts).
   *
   * Discussion: `runInAsyncScope` calls `step` itself, with no frame in between. A
   * feature-less scheduler of the same shape pays 2 ns a switch for its context this way
   * (bench, "bare + context"). Entering a helper that looped over several steps instead cost
   * about 20 ns a switch (measured with contexts switched off: 1.17-1.20x faster then, 1.03-1.05x
   * now), and saved nothing: each task has a context of its own and appears once in a pass, so
   * two consecutive steps never share one.
   */
  private stepInContext(task: Task<any>): void {
    const context = task._ctx
    if (context === undefined) this.step(task)
    else context.runInAsyncScope(this.step, this, task)
  }

  private fireTimers(now: number): boolean {
    let fired = false
    for (let entry = this.timers.popExpired(now); entry !== undefined; entry = this.timers.popExpired(now)) {
      entry.expire(now)
      fired = true
    }
    return fired
  }

  private armNodeTimer(): void {
    if (this.autojump !== undefined) this.armAutojump() // virtual clock only (autojump.ts)
    if (!this.active || this.virtual || this.scheduled) return
    if (this.timers.size === 0) {
      this.clearNodeTimer()
      return
    }
    const next = this.timers.nextDeadline()
    if (this.nodeTimer !== undefined && this.nodeTimerAt <= next) return
    this.clearNodeTimer()
    // Node turns a delay past 2^31 - 1 ms (about 24.8 days, or Infinity) into 1 ms with a
    // warning: a long sleep would wake the kernel every millisecond. Cap it; on waking early the
    // kernel finds nothing expired and arms the timer again.
    const delay = Math.min(MAX_NODE_DELAY, Math.max(1, Math.ceil(next - performance.now())))
    this.nodeTimerAt = next
    this.nodeTimer = setTimeout(this.onNodeTimer, delay)
  }

  /** Idle with external waits pending and a finite deadline ahead: start the autojump count. */
  private armAutojump(): void {
    if (
      this.active &&
      !this.scheduled &&
      this.ready.length === 0 &&
      this._external > 0 &&
      this.timers.nextDeadline() !== Number.POSITIVE_INFINITY
    ) {
      this.autojump!.idle()
    } else {
      this.autojump!.cancel()
    }
  }

  private readonly onAutojump = (): void => {
    if (!this.active || this.running || this.scheduled || this.ready.length !== 0) return
    const next = this.timers.nextDeadline()
    if (next === Number.POSITIVE_INFINITY) return
    // Discussion: the outside world stayed silent for the whole threshold, so it is taken to
    // have nothing to say before the next deadline: time moves there, as if nothing were pending.
    if (next > this.vnow) this.vnow = next
    this.loop()
  }

  private clearNodeTimer(): void {
    if (this.nodeTimer !== undefined) clearTimeout(this.nodeTimer)
    this.nodeTimer = undefined
    this.nodeTimerAt = Number.POSITIVE_INFINITY
  }

  /** @internal */
  get _timers(): TimerHeap {
    return this.timers
  }

  // ---- stepping ------------------------------------------------------------------------

  private step(task: Task<any>): void {
    const gen = task._gen!
    const flags = task._flags
    let throwing = (flags & THROWING) !== 0
    let sent = task._resume
    if (sent === CLOCK_ON_RESUME) sent = this.passNow()
    task._resume = undefined
    task._flags = flags & ~(THROWING | READY)
    task.cycles++
    current.task = task
    const hooks = this.hooks === undefined ? undefined : this.hooksFor(task)
    if (hooks !== undefined) for (const h of hooks) h.running?.(task)
    for (;;) {
      let r: IteratorResult<unknown, unknown>
      try {
        r = throwing ? gen.throw(sent) : gen.next(sent)
      } catch (error) {
        this.finish(task, undefined, error, true)
        return
      }
      if (r.done) {
        this.finish(task, r.value, undefined, false)
        return
      }
      const trap = r.value
      if (!(trap instanceof Trap) || (trap._s !== 1 && trap._s !== 3)) {
        throwing = true
        sent = misuseError(trap)
        continue
      }
      // Discussion: `yield*` hands the trap itself up as the result (see Trap); a fresh result
      // object means an operation stepped by hand forwarded it (`yield step.value`), and code
      // may have run since `next` tried `_now` (a token banked meanwhile): `run` must try again.
      if (r !== trap) trap._s = 1
      let out: unknown
      try {
        out = trap.run(this, task)
      } catch (error) {
        throwing = true
        sent = error
        continue
      }
      if (out === BLOCKED) {
        if (hooks !== undefined) for (const h of hooks) h.suspended?.(task, trap.describe())
        return
      }
      if (out === DELIVER) {
        throwing = true
        sent = task._takeCancel()
        continue
      }
      throwing = false
      sent = out
    }
  }

  /**
   * Discussion: the shutdown task is the kernel's own machinery, not a user task: it is never
   * `created` for activations nor listed in `tasks()`, so it must not show up as running or
   * terminated either (a monitor would see a task it never heard of).
   */
  private hooksFor(task: Task<any>): Activation[] | undefined {
    return task === this.shutdownTask ? undefined : this.hooks
  }

  private finish(task: Task<any>, value: unknown, error: unknown, failed: boolean): void {
    const hooks = this.hooksFor(task)
    if (hooks !== undefined) for (const h of hooks) h.suspended?.(task, 'exit')
    task.terminated = true
    task._gen = undefined
    task._blockedOn = undefined
    task._cancelPending = undefined
    if (task._timeouts !== undefined) this.timers.remove(task._timeouts.entry)
    if (failed) {
      task._failed = true
      task._error = error
    } else {
      task._value = value
    }
    this.unlink(task)
    task._wakeJoiners()
    task._group?._taskDone(task)
    const settle = task._settle
    if (settle !== undefined) {
      task._settle = undefined
      settle(task)
    }
    if (failed && !task._observed && !(error instanceof CancelledError)) {
      // Discussion: until its `stack` is read, an Error keeps the frames it was made in,
      // receivers included, and the task's own step frame (`runInAsyncScope`) has the task as
      // receiver: the report kept here would keep the task reachable, and the crash would
      // wait for shutdown instead of being reported when the task is dropped. Reading the
      // stack once turns the frames into text; only crashes nobody has looked at pay for it.
      if (error instanceof Error) void error.stack
      this.unobserved.set(task.id, { taskId: task.id, name: task.name, error })
      this.registry.register(task, task.id, task)
    }
    if (hooks !== undefined) for (const h of hooks) h.terminated?.(task)
    if (endChannel.hasSubscribers && task !== this.shutdownTask) publishTask(endChannel, task) // diagnostics.ts
    if (task === this.main) {
      this.main = undefined
      this.mainEnded()
    } else if (task === this.shutdownTask) {
      this.shutdownEnded()
    }
  }

  /** @internal a crashed task's outcome was looked at after all: no report */
  _crashObserved(task: Task<any>): void {
    if (this.unobserved.delete(task.id)) this.registry.unregister(task)
  }

  private reportAllUnobserved(): void {
    for (const id of [...this.unobserved.keys()]) this.reportUnobserved(id)
  }

  private reportUnobserved(id: number): void {
    const report = this.unobserved.get(id)
    if (report === undefined) return
    this.unobserved.delete(id)
    try {
      this.reportCrash(report)
    } catch (error) {
      console.error('curio: the crash reporter itself threw', error)
    }
  }

  // ---- tasks ---------------------------------------------------------------------------

  /** @internal run `task`, made by a `spawn()` trap that `parent` has just reached */
  _spawn<T>(task: Task<T>, source: OperationSource<T>, parent: Task<any>): Task<T> {
    this.spawnTask(task, toOperation(source, 'spawn'), parent)
    task._locals = parent._locals
    return task
  }

  private spawnTask<T>(task: Task<T>, gen: Operation<T>, parent: Task<any> | undefined): Task<T> {
    if (this.closed) throw new KernelClosed()
    task._adopt(this, gen, parent)
    const tail = this.liveTail
    task._prev = tail
    if (tail === undefined) this.liveHead = task
    else tail._next = task
    this.liveTail = task
    this.ready.push(task)
    if (this.hooks !== undefined) for (const h of this.hooks) h.created?.(task)
    if (spawnChannel.hasSubscribers) publishTask(spawnChannel, task) // diagnostics.ts
    return task
  }

  private unlink(task: Task<any>): void {
    const { _prev: prev, _next: next } = task
    if (prev === undefined) {
      if (this.liveHead === task) this.liveHead = next
    } else prev._next = next
    if (next === undefined) {
      if (this.liveTail === task) this.liveTail = prev
    } else next._prev = prev
    task._prev = task._next = undefined
  }

  // ---- the waking side of blocking traps -----------------------------------------------

  /** @internal may `task` block now, or must a pending cancellation be delivered instead? */
  _mayBlock(task: Task<any>): boolean {
    return task._cancelPending === undefined || !task._allowCancel
  }

  /** @internal suspend `task` in `trap`, whose teardown undoes the wait if it is interrupted */
  _block(task: Task<any>, trap: Trap): typeof BLOCKED {
    task._blockedOn = trap
    return BLOCKED
  }

  /** @internal make a suspended task ready, resuming it with `value` */
  _wake(task: Task<any>, value: unknown): void {
    this.makeReady(task, false, value)
  }

  /** @internal make a suspended task ready, resuming it by throwing `error` into it */
  _wakeThrow(task: Task<any>, error: unknown): void {
    this.makeReady(task, true, error)
  }

  private makeReady(task: Task<any>, throwing: boolean, resume: unknown): void {
    task._blockedOn = undefined
    task._flags = throwing ? task._flags | THROWING | READY : (task._flags & ~THROWING) | READY
    task._resume = resume
    this.ready.push(task)
    if (!this.running) this.schedule()
  }

  /**
   * @internal Deliver a cancellation or timeout to `task` now if it is blocked with
   * cancellation allowed (tearing its wait down), else leave it pending for its next
   * blocking trap.
   *
   * Discussion: a task already woken with a value keeps that value; the exception waits. A
   * pending `TaskTimeout` gives way to a cancellation, never the other way round.
   */
  _interrupt(task: Task<any>, exc: CancelledError): void {
    if (task.terminated) return
    if (!(exc instanceof TaskTimeout)) task._timeouts?.disarm(this)
    const trap = task._blockedOn
    if (trap !== undefined && task._allowCancel) {
      trap.teardown(this, task)
      this._wakeThrow(task, exc)
      return
    }
    const pending = task._cancelPending
    if (pending === undefined || (pending instanceof TaskTimeout && !(exc instanceof TaskTimeout))) {
      task._cancelPending = exc
    }
  }
}

/** Cancel every live task, newest first, each waited for before the next. */
function* shutdown(kernel: Kernel): Operation<void> {
  for (let task = kernel._newest(); task !== undefined; task = kernel._newest()) {
    yield* task.cancel()
  }
}
