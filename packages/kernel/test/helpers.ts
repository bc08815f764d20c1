import { type KernelOptions, type Operation, type OperationSource, run, WaitQueue } from '../src/index.js'

/** Run `main` on the virtual clock: time-dependent tests take microseconds and are deterministic. */
export function vrun<T>(main: OperationSource<T>, options: KernelOptions = {}): Promise<T> {
  return run(main, { clock: 'virtual', ...options })
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection, got a value')
}

/** A minimal one-shot event on a kernel `WaitQueue`, so the tests need no other package. */
export class Flag {
  private readonly queue = new WaitQueue()
  isSet = false
  set(): void {
    this.isSet = true
    this.queue.wakeAll()
  }
  *wait(): Operation<void> {
    while (!this.isSet) yield* this.queue.suspend('FLAG_WAIT')
  }
}
