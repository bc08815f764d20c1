import { type Operation, WaitQueue } from '@curio/kernel'

/**
 * A one-shot outcome: set once with `setValue` or `setException`, waited for with `unwrap()`,
 * which returns the value or throws the exception, to every waiter.
 *
 * @example
 * const answer = new Result<number>()
 * yield* spawn(function* () { answer.setValue(42) })
 * console.log(yield* answer.unwrap()) // 42
 */
export class Result<T> {
  private state: 0 | 1 | 2 = 0
  private outcome: unknown = undefined
  private readonly waiting = new WaitQueue()

  /** True once a value or an exception was set. */
  isSet(): boolean {
    return this.state !== 0
  }

  /** Set the value and wake every waiter; throws if already set. */
  setValue(value: T): void {
    this.settle(1, value, 'setValue')
  }

  /** Set the exception `unwrap` will throw, and wake every waiter; throws if already set. */
  setException(error: unknown): void {
    this.settle(2, error, 'setException')
  }

  /** Wait until set; return the value or throw the exception. */
  *unwrap(): Operation<T> {
    if (this.state === 0) yield* this.waiting.suspend('RESULT_WAIT')
    if (this.state === 2) throw this.outcome
    return this.outcome as T
  }

  private settle(state: 1 | 2, outcome: unknown, what: string): void {
    if (this.state !== 0) throw new Error(`Result.${what}(): the result is already set`)
    this.state = state
    this.outcome = outcome
    this.waiting.wakeAll()
  }
}
