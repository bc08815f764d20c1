import type { Task } from './task.js'

/** The task whose code is running right now; set only while a kernel steps a task. */
export const current: { task: Task<unknown> | undefined } = { task: undefined }

/** The task whose code is running right now, or `undefined` in plain callbacks. */
export function getCurrentTask(): Task<unknown> | undefined {
  return current.task
}
