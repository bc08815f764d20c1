import type { Operation } from '@curio/kernel'

/**
 * An operation that calls `onFinish` when `inner` returns (not when it throws), right before
 * the caller resumes with the value: the one place a queue can act after a woken waiter has
 * really taken what it was handed.
 *
 * Discussion: a wrapper iterator rather than a `function*`: `inner` is a wait-queue trap, which
 * is its own one-shot iterator and throws a `TypeError` when run twice; delegating keeps that
 * check and costs one small object instead of a generator per call.
 */
export function onFinish<T>(inner: Operation<T>, finish: () => void): Operation<T> {
  return new OnFinish(inner, finish) as unknown as Operation<T>
}

class OnFinish<T> {
  constructor(
    private readonly inner: Operation<T>,
    private readonly finish: () => void,
  ) {}

  [Symbol.iterator](): this {
    return this
  }

  next(sent?: unknown): IteratorResult<unknown, T> {
    const step = this.inner.next(sent)
    if (step.done === true) this.finish()
    return step
  }

  throw(error: unknown): IteratorResult<unknown, T> {
    return this.inner.throw(error)
  }

  return(value: T): IteratorResult<unknown, T> {
    return this.inner.return(value)
  }
}
