import { keepMaps } from './internal/keep-maps.js'
import { Lifo } from './internal/storage.js'
import { Queue } from './queue.js'

/**
 * A queue that hands out the most recently put item first (a stack), with `Queue`'s blocking,
 * bounding and closing rules.
 */
export class LifoQueue<T> extends Queue<T> {
  constructor(maxsize = 0) {
    super(maxsize)
    this.items = new Lifo<T>()
  }
}

keepMaps(new LifoQueue()) // internal/keep-maps.ts
