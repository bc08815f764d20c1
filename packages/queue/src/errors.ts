/** Thrown by `putNowait` on a full queue. */
export class QueueFull extends Error {
  override name = 'QueueFull'
  constructor(message = 'the queue is full') {
    super(message)
  }
}

/** Thrown by `getNowait` on an empty queue. */
export class QueueEmpty extends Error {
  override name = 'QueueEmpty'
  constructor(message = 'the queue is empty') {
    super(message)
  }
}

/** Thrown by `put` on a closed queue, and by `get` once a closed queue is drained. */
export class QueueClosed extends Error {
  override name = 'QueueClosed'
  constructor(message = 'the queue is closed') {
    super(message)
  }
}
