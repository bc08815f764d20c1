/**
 * @curio/queue and @curio/sync rows: a queue ping-pong against Effection 4 (createQueue and
 * createChannel), Effect 3 Queue and a plain-promise queue; a contended Lock against
 * async-mutex. `pnpm bench sync-queue`.
 */
import * as curio from '@curio/kernel'
import { type Operation, WaitQueue } from '@curio/kernel'
import { Queue } from '@curio/queue'
import { Lock } from '@curio/sync'
import { Mutex } from 'async-mutex'
import { Effect } from 'effect'
import * as effection from 'effection'
import { effectionPingPong, effectPingPong, promiseMailboxPingPong } from './baselines/ping-pong.js'
import type { Area, Row } from './harness.js'

// ---- queue ping-pong -------------------------------------------------------------------------

function* pinger(ping: Queue<number>, pong: Queue<number>, rounds: number): Operation<void> {
  for (let i = 0; i < rounds; i++) {
    yield* ping.put(i)
    yield* pong.get()
  }
}

function* ponger(ping: Queue<number>, pong: Queue<number>, rounds: number): Operation<void> {
  for (let i = 0; i < rounds; i++) yield* pong.put(yield* ping.get())
}

function* pingPong(messages: number): Operation<void> {
  const ping = new Queue<number>()
  const pong = new Queue<number>()
  const a = yield* curio.spawn(pinger(ping, pong, messages / 2))
  const b = yield* curio.spawn(ponger(ping, pong, messages / 2))
  yield* a.join()
  yield* b.join()
}

/** The kernel floor: a one-slot mailbox straight on WaitQueue (the kernel area's ping-pong). */
class Mailbox<T> {
  private value: T | undefined = undefined
  private full = false
  private readonly takers = new WaitQueue()

  put(value: T): void {
    this.value = value
    this.full = true
    this.takers.wake()
  }

  *take(): Operation<T> {
    while (!this.full) yield* this.takers.suspend('MAILBOX')
    this.full = false
    return this.value as T
  }
}

function* mailboxPingPong(messages: number): Operation<void> {
  const ping = new Mailbox<number>()
  const pong = new Mailbox<number>()
  const rounds = messages / 2
  const a = yield* curio.spawn(function* () {
    for (let i = 0; i < rounds; i++) {
      ping.put(i)
      yield* pong.take()
    }
  })
  const b = yield* curio.spawn(function* () {
    for (let i = 0; i < rounds; i++) pong.put(yield* ping.take())
  })
  yield* a.join()
  yield* b.join()
}

/** The queue an async-function programmer writes: an array of items, an array of waiting resolvers. */
class PromiseQueue<T> {
  private readonly items: T[] = []
  private readonly takers: ((value: T) => void)[] = []

  put(value: T): void {
    const taker = this.takers.shift()
    if (taker !== undefined) taker(value)
    else this.items.push(value)
  }

  get(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T)
    return new Promise<T>((resolve) => this.takers.push(resolve))
  }
}

async function promisePinger(ping: PromiseQueue<number>, pong: PromiseQueue<number>, rounds: number) {
  for (let i = 0; i < rounds; i++) {
    ping.put(i)
    await pong.get()
  }
}

async function promisePonger(ping: PromiseQueue<number>, pong: PromiseQueue<number>, rounds: number) {
  for (let i = 0; i < rounds; i++) pong.put(await ping.get())
}

async function promisePingPong(messages: number): Promise<void> {
  const ping = new PromiseQueue<number>()
  const pong = new PromiseQueue<number>()
  await Promise.all([promisePinger(ping, pong, messages / 2), promisePonger(ping, pong, messages / 2)])
}

type Channel = effection.Channel<number, never>
type Subscription = effection.Subscription<number, never>

function* channelPinger(ping: Channel, pong: Subscription, rounds: number) {
  for (let i = 0; i < rounds; i++) {
    yield* ping.send(i)
    yield* pong.next()
  }
}

function* channelPonger(ping: Subscription, pong: Channel, rounds: number) {
  for (let i = 0; i < rounds; i++) yield* pong.send((yield* ping.next()).value as number)
}

function* effectionChannelPingPong(messages: number): effection.Operation<void> {
  const ping = effection.createChannel<number, never>()
  const pong = effection.createChannel<number, never>()
  // A channel delivers only to subscribers present at send time: subscribe before anyone sends.
  const pings = yield* ping
  const pongs = yield* pong
  const a = yield* effection.spawn(() => channelPinger(ping, pongs, messages / 2))
  const b = yield* effection.spawn(() => channelPonger(pings, pong, messages / 2))
  yield* a
  yield* b
}

// ---- contended lock --------------------------------------------------------------------------

const LOCK_TASKS = 100

/** Shared state the lock protects; the critical section yields once, so others pile up. */
let counter = 0

function* locker(lock: Lock, rounds: number): Operation<void> {
  for (let i = 0; i < rounds; i++) {
    yield* lock.acquire()
    try {
      const seen = counter
      yield* curio.schedule()
      counter = seen + 1
    } finally {
      lock.release()
    }
  }
}

function* contendedLock(n: number): Operation<void> {
  counter = 0
  const lock = new Lock()
  const rounds = n / LOCK_TASKS
  const tasks = []
  for (let i = 0; i < LOCK_TASKS; i++) tasks.push(yield* curio.spawn(locker(lock, rounds)))
  for (const t of tasks) yield* t.join()
  if (counter !== n) throw new Error(`lost updates: ${counter} of ${n}`)
}

async function mutexLocker(mutex: Mutex, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const release = await mutex.acquire()
    try {
      const seen = counter
      await null
      counter = seen + 1
    } finally {
      release()
    }
  }
}

async function mutexContended(n: number): Promise<void> {
  counter = 0
  const mutex = new Mutex()
  const rounds = n / LOCK_TASKS
  const tasks: Promise<void>[] = []
  for (let i = 0; i < LOCK_TASKS; i++) tasks.push(mutexLocker(mutex, rounds))
  await Promise.all(tasks)
  if (counter !== n) throw new Error(`lost updates: ${counter} of ${n}`)
}

// ---- rows ------------------------------------------------------------------------------------

const rows: Row[] = [
  {
    name: 'queue ping-pong',
    n: 200_000,
    unit: 'msg',
    impls: {
      curio: (n) => curio.run(pingPong(n)),
      'promise mailbox': promiseMailboxPingPong,
      promise: promisePingPong,
      'kernel mailbox': (n) => curio.run(mailboxPingPong(n)),
      'effection queue': (n) => effection.run(() => effectionPingPong(n)),
      'effection channel': (n) => effection.run(() => effectionChannelPingPong(n)),
      // Effect's queue takes ~50 us a message here: a smaller n keeps the row under a minute.
      effect: { n: 20_000, run: (n) => Effect.runPromise(effectPingPong(n)) },
    },
    targets: [
      { vs: 'promise mailbox', min: 0.6, stretch: 0.8 },
      { vs: 'promise', min: 1 },
      { vs: 'effection queue', min: 20 },
      { vs: 'effection channel', min: 20 },
      { vs: 'effect', min: 20 },
    ],
    scaling: { n: 20_000, max: 1.3 },
    note:
      'two tasks pass a number back and forth through two unbounded queues: curio Queue put/get, ' +
      "promise mailbox the kernel area's two async functions on one-slot promise mailboxes, " +
      'promise an array + resolver queue, kernel mailbox a one-slot WaitQueue mailbox (the floor under any curio queue), Effection createQueue / createChannel, Effect Queue.unbounded.',
  },
  {
    name: 'contended Lock',
    n: 100_000,
    unit: 'acquire',
    impls: {
      curio: (n) => curio.run(contendedLock(n)),
      'async-mutex': mutexContended,
    },
    targets: [{ vs: 'async-mutex', min: 1 }],
    note:
      `${LOCK_TASKS} tasks each acquire the lock n/${LOCK_TASKS} times; inside they read a counter, ` +
      'yield once (curio schedule(), async-mutex await null) and write it back, so the others queue up.',
  },
]

/** The `sync-queue` area of `pnpm bench`. */
export const area: Area = { name: 'sync-queue', rows }
