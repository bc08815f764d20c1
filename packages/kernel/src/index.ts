export type { Activation } from './activation.js'
export {
  checkCancellation,
  disableCancellation,
  enableCancellation,
  setCancellation,
} from './cancellation.js'
export { getCurrentTask } from './current.js'
export type { TraceOptions } from './debug.js'
export { logcrash, longblock, schedtrace, timeoutLeft, traptrace } from './debug.js'
export type { BlockedTask } from './errors.js'
export {
  CancelledError,
  CurioError,
  DeadlockError,
  KernelClosed,
  ReadResourceBusy,
  ResourceBusy,
  TaskCancelled,
  TaskError,
  TaskGroupError,
  TaskTimeout,
  TimeoutCancellationError,
  UncaughtTimeoutError,
  WriteResourceBusy,
} from './errors.js'
export type { CrashReport, DebugOptions, KernelOptions, RunOptions } from './kernel.js'
export { Kernel } from './kernel.js'
export { Local } from './local.js'
export type { Operation, OperationResult, OperationSource } from './operation.js'
export { awaitPromise, call } from './promise.js'
export { run } from './run.js'
export { currentTask, spawn } from './spawn.js'
export type { CancelOptions, SpawnOptions } from './task.js'
export { Task } from './task.js'
export type { TaskGroupOptions, WaitMode } from './task-group.js'
export { TaskGroup, taskGroup } from './task-group.js'
export { clock, schedule, sleep, wakeAt } from './time.js'
export type { IgnoreOptions } from './timeouts.js'
export { ignoreAfter, ignoreAt, timeoutAfter, timeoutAt } from './timeouts.js'
export type { Trap } from './trap.js'
export type { WaitAsyncOptions, WaitQueueOptions } from './wait-queue.js'
export { MUST_WAIT, WaitQueue } from './wait-queue.js'
