import { current } from './current.js'
import { type Operation, type OperationSource, toOperation } from './operation.js'

/**
 * A task-local value. A spawned task starts with a copy of its parent's values; outside any
 * task, `get` and `set` use a shared default.
 */
export class Local<T> {
  private fallback: T

  constructor(initial: T) {
    this.fallback = initial
  }

  /** The current task's value. */
  get(): T {
    const locals = current.task?._locals
    if (locals?.has(this)) return locals.get(this) as T
    return this.fallback
  }

  /** Set the current task's value (seen by tasks it spawns from now on). */
  set(value: T): void {
    const task = current.task
    if (task === undefined) {
      this.fallback = value
      return
    }
    // Copy on write: children share their parent's map until one of them sets a value.
    const locals = new Map(task._locals)
    locals.set(this, value)
    task._locals = locals
  }

  /** Run `op` with the value set to `value`, then restore the previous one. */
  *with<R>(value: T, op: OperationSource<R>): Operation<R> {
    const operation = toOperation(op, 'Local.with')
    const previous = this.get()
    this.set(value)
    try {
      return yield* operation
    } finally {
      this.set(previous)
    }
  }
}
