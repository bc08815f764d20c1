import { Heap } from './internal/heap.js'
import { keepMaps } from './internal/keep-maps.js'
import { Queue } from './queue.js'

/** Orders a `PriorityQueue`: negative when `a` comes out before `b`. */
export type Compare<T> = (a: T, b: T) => number

function natural(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0
}

/**
 * A queue that hands out the smallest item first, by `compare` (default: `<` on the items,
 * fine for numbers and strings). Items that compare equal come out in the order they were put.
 *
 * @example
 * const jobs = new PriorityQueue<{ pri: number; name: string }>(0, (a, b) => a.pri - b.pri)
 */
export class PriorityQueue<T> extends Queue<T> {
  constructor(maxsize = 0, compare: Compare<T> = natural) {
    super(maxsize)
    if (typeof compare !== 'function')
      throw new TypeError('PriorityQueue(maxsize, compare): compare must be a function')
    this.items = new Heap<T>(compare)
  }
}

keepMaps(new PriorityQueue()) // internal/keep-maps.ts
