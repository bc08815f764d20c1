import type { Task } from './task.js'

/**
 * The kernel's FIFO of ready tasks, linked through the tasks themselves.
 *
 * Discussion: an array ring buffer needs growing (a new kernel's queue grew from 16 slots to
 * the program's width on every run: 6% of a spawn+join of 10k tasks), and V8 turns a
 * preallocated array past 32k slots into a slow dictionary. A link field in each task costs
 * 8 bytes per task, a ring slot cost the same per ready task, and push and shift are now
 * two stores each, with nothing to allocate. A task is in the queue at most once: only a
 * suspended (or new) task is made ready.
 */
export class ReadyQueue {
  length = 0
  private head: Task<any> | undefined = undefined
  private tail: Task<any> | undefined = undefined

  push(task: Task<any>): void {
    const tail = this.tail
    if (tail === undefined) this.head = task
    else tail._nextReady = task
    this.tail = task
    this.length++
  }

  /** The first task, left in place. */
  peek(): Task<any> | undefined {
    return this.head
  }

  shift(): Task<any> | undefined {
    const task = this.head
    if (task === undefined) return undefined
    const next = task._nextReady
    this.head = next
    if (next === undefined) this.tail = undefined
    else task._nextReady = undefined
    this.length--
    return task
  }
}
