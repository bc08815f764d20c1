/**
 * Ping-pong baselines shared by the kernel and sync-queue areas: two tasks pass a number back
 * and forth through two queues, in Effection 4 (createQueue) and Effect 3 (Queue.unbounded).
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
