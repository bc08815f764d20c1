import { MUST_WAIT, type Operation, type WaitAsyncOptions, WaitQueue } from '@curio/kernel'

/**
 * A `Result` shared with the world outside the kernel: set it from anywhere (a task, a
 * callback, promise code, another kernel); wait from a task with `unwrap()` or from promise
 * code with `unwrapAsync()`, in one FIFO. A task's wait counts as external (holds a virtual
 * clock).
 *
 * @example
 * const reply = new UniversalResult<string>()
 * socket.once('data', (d) => reply.setValue(String(d)))
 * console.log(yield* reply.unwrap())
 */
export class UniversalResult<T> {
  private state: 0 | 1 | 2 = 0
  private outcome: unknown = undefined
  private readonly waiters = new WaitQueue({ external: true })
  private readonly check = (): void | typeof MUST_WAIT => (this.state === 0 ? MUST_WAIT : undefined)

  /** True once a value or an exception was set. */
  isSet(): boolean {
    return this.state !== 0
  }

  /** Set the value and wake every waiter; throws if already set. */
  setValue(value: T): void {
    this.settle(1, value, 'setValue')
  }

  /** Set the exception the waiters get, and wake them; throws if already set. */
  setException(error: unknown): void {
    this.settle(2, error, 'setException')
  }

  /** Wait from a task; return the value or throw the exception. */
  *unwrap(): Operation<T> {
    yield* this.waiters.suspend('URESULT_WAIT', this.check)
    return this.take()
  }

  /** Wait from promise code; resolve with the value or reject with the exception. */
  async unwrapAsync(options: WaitAsyncOptions = {}): Promise<T> {
    if (this.state === 0) await this.waiters.waitAsync(options)
    return this.take()
  }

  private take(): T {
    if (this.state === 2) throw this.outcome
    return this.outcome as T
  }

  private settle(state: 1 | 2, outcome: unknown, what: string): void {
    if (this.state !== 0) throw new Error(`UniversalResult.${what}(): the result is already set`)
    this.state = state
    this.outcome = outcome
    this.waiters.wakeAll()
  }
}
