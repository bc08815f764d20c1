/**
 * The ceiling for the generator ping-pong: a scheduler of the same shape as the kernel with none
 * of its features, to read how much of the row's cost is the shape itself and how much is ours.
 *
 * Same shape: each task is a generator, `take()` is a generator around a suspend operation, and
 * the operation is one object per call that `yield*` hands to the scheduler, which parks the task
 * in a wait list until `put` makes it ready again. Missing on purpose: cancellation, timeouts,
 * timers, activations, misuse checks, exceptions, the fast path, fairness with Node's event loop.
 * `asyncContext: true` adds the one feature the contract requires of every switch: each task is
 * an `AsyncResource` made at spawn, and each step runs inside it (`runInAsyncScope`).
 */
import { AsyncResource } from 'node:async_hooks'

interface BareTask {
  gen: Generator<unknown, void, unknown>
  resource: AsyncResource | undefined
}

/** One suspend: its own iterator and iterator result, as the kernel's traps are. */
class Suspend {
  value: unknown = this
  done = false
  private used = false

  constructor(readonly list: BareTask[]) {}

  [Symbol.iterator](): this {
    return this
  }

  next(sent?: unknown): this {
    if (this.used) {
      this.value = sent
      this.done = true
    } else {
      this.used = true
    }
    return this
  }
}

class BareScheduler {
  readonly ready: BareTask[] = []
  private head = 0

  constructor(private readonly asyncContext: boolean) {}

  spawn(gen: Generator<unknown, void, unknown>): void {
    this.ready.push({ gen, resource: this.asyncContext ? new AsyncResource('bare.Task') : undefined })
  }

  wake(list: BareTask[]): void {
    const task = list.shift()
    if (task !== undefined) this.ready.push(task)
  }

  run(): void {
    const ready = this.ready
    while (this.head < ready.length) {
      const task = ready[this.head++]!
      if (this.head > 1024) {
        ready.splice(0, this.head)
        this.head = 0
      }
      const r =
        task.resource === undefined ? task.gen.next() : task.resource.runInAsyncScope(step, null, task)
      if (!r.done) (r.value as Suspend).list.push(task)
    }
  }
}

function step(task: BareTask): IteratorResult<unknown, void> {
  return task.gen.next()
}

class BareMailbox {
  private value = 0
  private full = false
  private readonly takers: BareTask[] = []

  constructor(private readonly scheduler: BareScheduler) {}

  put(value: number): void {
    this.value = value
    this.full = true
    this.scheduler.wake(this.takers)
  }

  *take(): Generator<unknown, number, unknown> {
    while (!this.full) yield* new Suspend(this.takers)
    this.full = false
    return this.value
  }
}

function* pinger(ping: BareMailbox, pong: BareMailbox, rounds: number): Generator<unknown, void, unknown> {
  for (let i = 0; i < rounds; i++) {
    ping.put(i)
    yield* pong.take()
  }
}

function* ponger(ping: BareMailbox, pong: BareMailbox, rounds: number): Generator<unknown, void, unknown> {
  for (let i = 0; i < rounds; i++) pong.put(yield* ping.take())
}

/** The kernel row's generator mailbox ping-pong on the bare scheduler. */
export async function bareSchedulerPingPong(messages: number, asyncContext: boolean): Promise<void> {
  const scheduler = new BareScheduler(asyncContext)
  const ping = new BareMailbox(scheduler)
  const pong = new BareMailbox(scheduler)
  scheduler.spawn(pinger(ping, pong, messages / 2))
  scheduler.spawn(ponger(ping, pong, messages / 2))
  // Entered from a promise job, as the kernel is.
  await Promise.resolve()
  scheduler.run()
}
