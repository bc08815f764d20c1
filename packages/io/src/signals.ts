import { constants } from 'node:os'
import { getCurrentTask, type Operation, spawn, type Task, WaitQueue } from '@curio/kernel'
import { closedError } from './errors.js'

/**
 * What `SignalQueue` and `SignalEvent` share: `process.on` listeners for some signals, a wait
 * queue for the tasks waiting, and the rule that the listeners go away with the object.
 *
 * Discussion (no leaked handlers): `close()` removes the listeners, and so does the end of the
 * task that made the object: at its first wait, the object starts a small daemon task that waits
 * for that task and closes it. The kernel cancels daemons at shutdown, which closes it too, so
 * after `run()` returns no listener is left (and Ctrl-C kills the process again).
 *
 * Discussion (staying alive): a signal listener does not keep Node's event loop alive; a task
 * waiting only for a signal would see the process exit under it. While a task waits here, a
 * timer that never fires holds the loop open.
 */
abstract class SignalWatch implements Disposable {
  /** The signals listened for (`'SIGINT'`, `'SIGTERM'`...). */
  readonly signals: readonly NodeJS.Signals[]
  protected readonly waiters = new WaitQueue({ external: true })
  protected closed = false
  private readonly owner: Task<unknown> | undefined
  private watching = false
  private keepAlive: ReturnType<typeof setInterval> | undefined = undefined
  private waiting = 0

  constructor(signals: NodeJS.Signals[]) {
    for (const name of signals) {
      if (!(name in constants.signals)) throw new TypeError(`unknown signal ${JSON.stringify(name)}`)
    }
    this.signals = [...new Set(signals)]
    this.owner = getCurrentTask()
    try {
      for (const name of this.signals) process.on(name, this.onSignal)
    } catch (error) {
      // SIGKILL and SIGSTOP cannot be caught: Node refuses them (EINVAL).
      this.close()
      throw error
    }
  }

  private readonly onSignal = (name: NodeJS.Signals): void => {
    if (!this.closed) this.received(name)
  }

  /** A listened-for signal arrived. */
  protected abstract received(name: NodeJS.Signals): void

  /** Suspend until woken (a signal, or `close()`), holding the process open meanwhile. */
  protected *suspend(syscall: string, state: string): Operation<void> {
    if (this.closed) throw closedError(syscall, 'signal watch')
    if (!this.watching && this.owner !== undefined && !this.owner.terminated) {
      this.watching = true
      const owner = this.owner
      yield* spawn(
        function* (this: SignalWatch): Operation<void> {
          try {
            yield* owner.wait()
          } finally {
            this.close()
          }
        }.bind(this),
        { daemon: true, name: 'signal-watch-owner' },
      )
    }
    if (this.waiting++ === 0) this.keepAlive = setInterval(() => {}, 2 ** 30)
    try {
      yield* this.waiters.suspend(state)
    } finally {
      if (--this.waiting === 0) clearInterval(this.keepAlive)
    }
    if (this.closed) throw closedError(syscall, 'signal watch')
  }

  /** Remove the listeners (the signals' default action is back); waiting tasks get EBADF. */
  close(): void {
    if (this.closed) return
    this.closed = true
    for (const name of this.signals) process.off(name, this.onSignal)
    this.waiters.wakeAll()
  }

  /** `using signals = new SignalQueue('SIGINT')` removes the listeners at the end of the block. */
  [Symbol.dispose](): void {
    this.close()
  }
}

/**
 * The signals that arrive, in order, for a task to take one at a time (Curio's `SignalQueue`).
 * Listening starts at construction, so a signal sent before the first `get()` is not lost.
 *
 * @example
 * ```ts
 * using signals = new SignalQueue('SIGINT', 'SIGTERM')
 * const name = yield* signals.get()   // 'SIGINT' after Ctrl-C
 * ```
 */
export class SignalQueue extends SignalWatch {
  private readonly arrived: NodeJS.Signals[] = []

  /** Listen for `signals` (names such as `'SIGINT'`, `'SIGTERM'`, `'SIGUSR1'`). */
  constructor(...signals: NodeJS.Signals[]) {
    super(signals)
  }

  protected received(name: NodeJS.Signals): void {
    this.arrived.push(name)
    this.waiters.wake(1)
  }

  /** The next signal's name, waiting for one. A `get` cancelled while waiting takes none. */
  *get(): Operation<NodeJS.Signals> {
    for (;;) {
      if (this.closed) throw closedError('get', 'signal watch')
      const name = this.arrived.shift()
      if (name !== undefined) return name
      yield* this.suspend('get', 'SIGNAL_WAIT')
    }
  }

  /** How many signals have arrived and not been taken. */
  get size(): number {
    return this.arrived.length
  }
}

/**
 * An event set when any of its signals arrives (Curio's `SignalEvent`): `wait()` returns at
 * once while it is set; `clear()` re-arms it.
 *
 * @example
 * ```ts
 * using stop = new SignalEvent('SIGINT', 'SIGTERM')
 * yield* stop.wait()
 * console.log('stopping after', stop.signal)
 * ```
 */
export class SignalEvent extends SignalWatch {
  /** The last signal that set the event, undefined while clear. */
  signal: NodeJS.Signals | undefined = undefined

  /** Listen for `signals`. */
  constructor(...signals: NodeJS.Signals[]) {
    super(signals)
  }

  protected received(name: NodeJS.Signals): void {
    this.signal = name
    this.waiters.wakeAll()
  }

  /** Whether a signal has arrived since the last `clear()`. */
  isSet(): boolean {
    return this.signal !== undefined
  }

  /** Forget the signals seen so far. */
  clear(): void {
    this.signal = undefined
  }

  /** Set it by hand, as if `name` (default: its first signal) had arrived. */
  set(name: NodeJS.Signals = this.signals[0] ?? 'SIGINT'): void {
    this.received(name)
  }

  /** Wait until it is set; returns the signal's name. */
  *wait(): Operation<NodeJS.Signals> {
    while (this.signal === undefined) yield* this.suspend('wait', 'SIGNAL_WAIT')
    return this.signal
  }
}
