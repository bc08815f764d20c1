import { keepMaps } from './internal/keep-maps.js'
import { Queue } from './queue.js'

/** Options for waiting from promise code. */
export interface AsyncQueueOptions {
  /** Stop waiting when aborted (the item is not put / nothing is taken); rejects with the reason. */
  signal?: AbortSignal
}

/**
 * A `Queue` shared with the world outside the kernel: put from tasks, timers, event handlers,
 * promise code or another kernel (`putNowait`, `putAsync`); get from tasks (`yield* q.get()`)
 * or promise code (`await q.getAsync()`). Task and promise getters wait in one FIFO, and so do
 * putters. A task's wait here counts as external: a virtual clock does not jump past it.
 *
 * @example
 * const inbox = new UniversalQueue<string>()
 * emitter.on('message', (m) => inbox.putNowait(m))
 * const first = yield* inbox.get()
 */
export class UniversalQueue<T> extends Queue<T> {
  protected override get externalWaits(): boolean {
    return true
  }

  /** Put from promise code, waiting while full. */
  putAsync(item: T, options: AsyncQueueOptions = {}): Promise<void> {
    return this._putAsync(item, options.signal)
  }

  /** Get from promise code, waiting while empty. */
  getAsync(options: AsyncQueueOptions = {}): Promise<T> {
    return this._getAsync(options.signal)
  }

  /** Wait from promise code until every item put has been marked done. */
  joinAsync(options: AsyncQueueOptions = {}): Promise<void> {
    return this._joinAsync(options.signal)
  }
}

keepMaps(new UniversalQueue()) // internal/keep-maps.ts
