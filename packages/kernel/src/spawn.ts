import { keepMaps } from './keep-maps.js'
import type { Kernel } from './kernel.js'
import { type Operation, type OperationSource, sourceName } from './operation.js'
import { giveBackTaskId, type SpawnOptions, Task } from './task.js'
import { InstantTrap } from './trap.js'

class SpawnTrap extends InstantTrap {
  // Made here, where `spawn()` is called, not when the trap runs: the task captures the async
  // context as it is made, and in `als.run(store, () => spawn(op))` only this moment is inside
  // `als.run`. The kernel that runs the trap adopts it.
  private readonly task: Task<unknown>

  constructor(
    private readonly source: OperationSource<unknown>,
    options: SpawnOptions | undefined,
  ) {
    super()
    this.task = new Task(options?.name ?? sourceName(source) ?? 'task', options?.daemon ?? false)
  }
  run(kernel: Kernel, parent: Task<unknown>): Task<unknown> {
    return kernel._spawn(this.task, this.source, parent)
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
  return new SpawnTrap(op, options) as unknown as Operation<Task<T>>
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

// Exemplars (keep-maps.ts); the spawn trap's task gives its id back.
keepMaps(new SpawnTrap(function* exemplar() {}, undefined), new CurrentTaskTrap())
giveBackTaskId()
