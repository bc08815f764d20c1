import type { Kernel } from './kernel.js'
import type { Task } from './task.js'

/**
 * Hooks into the kernel, called synchronously: monitors, tracers and profilers are built on
 * them. As in Curio, every step of a task is `running` then `suspended` (the last step too,
 * before `terminated`).
 */
export interface Activation {
  /** The kernel was created with this activation. */
  activate?(kernel: Kernel): void
  /** A task was created (before its first step). */
  created?(task: Task<unknown>): void
  /** The kernel is about to step the task. */
  running?(task: Task<unknown>): void
  /** The task's step ended; `trapName` says what it blocked on, or `exit` for its last step. */
  suspended?(task: Task<unknown>, trapName: string): void
  /** The task has ended. */
  terminated?(task: Task<unknown>): void
}
