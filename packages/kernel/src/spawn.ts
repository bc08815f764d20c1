import { captureContext, type TaskContext } from './async-context.js'
import type { Kernel } from './kernel.js'
import type { Operation, OperationSource } from './operation.js'
import type { SpawnOptions, Task } from './task.js'
import { InstantTrap, Trap } from './trap.js'

class SpawnTrap extends InstantTrap {
  constructor(
    private readonly source: OperationSource<unknown>,
    private readonly options: SpawnOptions | undefined,
    // Captured here, where `spawn()` is called, not when the trap runs: in
    // `als.run(store, () => spawn(op))` only this moment is inside `als.run`.
    private readonly context: TaskContext,
  ) {
    super()
  }
  run(kernel: Kernel, task: Task<unknown>): Task<unknown> {
    return kernel._spawn(this.source, this.options, task, this.context)
  }
  describe(): string {
    return 'spawn()'
  }
}

/**
 * Create a task running `op` and make it ready; the caller keeps running (spawn is not a
 * switch). The new task starts with a copy of the caller's `Local` values and runs in the async
 * context (`AsyncLocalStorage`) current where `spawn()` is called.
 */
export function spawn<T>(op: OperationSource<T>, options?: SpawnOptions): Operation<Task<T>> {
  return new SpawnTrap(op, options, captureContext()) as unknown as Operation<Task<T>>
}

class CurrentTaskTrap extends InstantTrap {
  run(_kernel: Kernel, task: Task<unknown>): Task<unknown> {
    return task
  }
  describe(): string {
    return 'currentTask()'
  }
}

/** The task running this code. */
export function currentTask(): Operation<Task<unknown>> {
  return new CurrentTaskTrap() as unknown as Operation<Task<unknown>>
}
