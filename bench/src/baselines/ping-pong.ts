/**
 * Ping-pong baselines shared by the kernel and sync-queue areas: two tasks pass a number back
 * and forth through two mailboxes or queues, in plain async functions (a stored value or a
 * waiting resolver), Effection 4 (createQueue) and Effect 3 (Queue.unbounded).
 */
import { Effect, Fiber, Queue } from 'effect'
import * as effection from 'effection'

type EffectionQueue = effection.Queue<number, never>

function* effectionPinger(ping: EffectionQueue, pong: EffectionQueue, rounds: number) {
  for (let i = 0; i < rounds; i++) {
    ping.add(i)
    yield* pong.next()
  }
}

function* effectionPonger(ping: EffectionQueue, pong: EffectionQueue, rounds: number) {
  for (let i = 0; i < rounds; i++) {
    const next = yield* ping.next()
    pong.add(next.value as number)
  }
}

export function* effectionPingPong(messages: number): effection.Operation<void> {
  const ping = effection.createQueue<number, never>()
  const pong = effection.createQueue<number, never>()
  const a = yield* effection.spawn(() => effectionPinger(ping, pong, messages / 2))
  const b = yield* effection.spawn(() => effectionPonger(ping, pong, messages / 2))
  yield* a
  yield* b
}

const effectPinger = (ping: Queue.Queue<number>, pong: Queue.Queue<number>, rounds: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < rounds; i++) {
      yield* Queue.offer(ping, i)
      yield* Queue.take(pong)
    }
  })

const effectPonger = (ping: Queue.Queue<number>, pong: Queue.Queue<number>, rounds: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < rounds; i++) yield* Queue.offer(pong, yield* Queue.take(ping))
  })

export const effectPingPong = (messages: number) =>
  Effect.gen(function* () {
    const ping = yield* Queue.unbounded<number>()
    const pong = yield* Queue.unbounded<number>()
    const a = yield* Effect.fork(effectPinger(ping, pong, messages / 2))
    const b = yield* Effect.fork(effectPonger(ping, pong, messages / 2))
    yield* Fiber.join(a)
    yield* Fiber.join(b)
  })

/** The same mailbox for async functions: a stored value or a waiting resolver. */
class PromiseMailbox<T> {
  private value: T | undefined = undefined
  private full = false
  private taker: ((value: T) => void) | undefined = undefined

  put(value: T): void {
    const taker = this.taker
    if (taker !== undefined) {
      this.taker = undefined
      taker(value)
    } else {
      this.value = value
      this.full = true
    }
  }

  take(): Promise<T> {
    if (this.full) {
      this.full = false
      return Promise.resolve(this.value as T)
    }
    return new Promise<T>((resolve) => {
      this.taker = resolve
    })
  }
}

async function promisePinger(ping: PromiseMailbox<number>, pong: PromiseMailbox<number>, rounds: number) {
  for (let i = 0; i < rounds; i++) {
    ping.put(i)
    await pong.take()
  }
}

async function promisePonger(ping: PromiseMailbox<number>, pong: PromiseMailbox<number>, rounds: number) {
  for (let i = 0; i < rounds; i++) pong.put(await ping.take())
}

/** Two async functions pass a number back and forth through two promise mailboxes. */
export async function promiseMailboxPingPong(messages: number): Promise<void> {
  const ping = new PromiseMailbox<number>()
  const pong = new PromiseMailbox<number>()
  await Promise.all([promisePinger(ping, pong, messages / 2), promisePonger(ping, pong, messages / 2)])
}
