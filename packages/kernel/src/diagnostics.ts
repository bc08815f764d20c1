/**
 * `node:diagnostics_channel` channels for APM and tracing tools: `curio:task:spawn` when a
 * task is created, `curio:task:end` after it terminated, both with `{ task }`.
 *
 * Discussion: a channel's `hasSubscribers` is a plain property read, so while nobody listens
 * the kernel pays one load and branch per spawn and per end, and allocates nothing (the
 * message object is made only for a subscriber). Each message is published inside the task's
 * own async context (where it was spawned), so a subscriber that reads an
 * `AsyncLocalStorage` (the active span, a request id) sees the task's, not the kernel loop's.
 * The kernel's own shutdown task is machinery, not a user task: it is never published.
 */
import diagnostics from 'node:diagnostics_channel'
import type { Task } from './task.js'

/** Published when a task is created (by `spawn`, `group.spawn`, `kernel.spawn` or `run`). */
export const spawnChannel: diagnostics.Channel = diagnostics.channel('curio:task:spawn')
/** Published after a task terminated; `task.exception` tells how. */
export const endChannel: diagnostics.Channel = diagnostics.channel('curio:task:end')

/** Publish `{ task }` on `channel` in the task's async context; call only when it has subscribers. */
export function publishTask(channel: diagnostics.Channel, task: Task<any>): void {
  const context = task._ctx
  if (context === undefined) channel.publish({ task })
  else context.runInAsyncScope(channel.publish, channel, { task })
}
