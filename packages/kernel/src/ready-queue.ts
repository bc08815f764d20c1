import type { Task } from './task.js'

/**
 * The kernel's FIFO of ready tasks, linked through the tasks themselves.
 *
 * Discussion: an array ring buffer needs growing (a new kernel's queue grew from 16 slots to
 * the program's width on every run: 6% of a spawn+join of 10k tasks), V8 turns a
 * preallocated array past 32k slots into a slow dictionary, and a ring never shrinks: after
 * 100k tasks were ready at once, it kept 10 bytes per task for good (heap/suspended). The
 * link is the task's `_link`, the same field that holds the trap it is blocked in: a task is
 * either ready or blocked, never both, so the queue costs no memory at all. A task is in the
 * queue at most once: only a suspended (or new) task is made ready.
 */
export class ReadyQueue {
  length = 0
  private head: Task<any> | undefined = undefined
  private tail: Task<any> | undefined = undefined

  push(task: Task<any>): void {
    task._link = undefined
    const tail = this.tail
    if (tail === undefined) this.head = task
    else tail._link = task
    this.tail = task
    this.length++
  }

  shift(): Task<any> | undefined {
    const task = this.head
    if (task === undefined) return undefined
    const next = task._link as Task<any> | undefined
    this.head = next
    if (next === undefined) this.tail = undefined
    else task._link = undefined
    this.length--
    return task
  }
}
