/**
 * The kernel's rows: curio against plain Promises, Effection 4 and Effect 3 doing the same
 * work. Task bodies are written as users write them: a generator function declared once and
 * called per task.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import * as curio from '@curio/kernel'
import { MUST_WAIT, type Operation, type Task, WaitQueue } from '@curio/kernel'
import { Effect, Fiber } from 'effect'
import * as effection from 'effection'
import { bareSchedulerPingPong } from './baselines/bare-scheduler.js'
import { effectionPingPong, effectPingPong, promiseMailboxPingPong } from './baselines/ping-pong.js'
import { type Area, heapMark, heapSince, type Row } from './harness.js'

// ---- spawn + join --------------------------------------------------------------------------

function* child(i: number): Operation<number> {
  return i
}

function* spawnJoin(n: number): Operation<void> {
  const tasks: Task<number>[] = new Array(n)
  for (let i = 0; i < n; i++) tasks[i] = yield* curio.spawn(child(i))
  for (let i = 0; i < n; i++) yield* tasks[i]!.join()
}

const BATCH = 10_000

function* spawnJoinBatches(n: number): Operation<void> {
  for (let done = 0; done < n; done += BATCH) yield* spawnJoin(Math.min(BATCH, n - done))
}

async function promiseChild(i: number): Promise<number> {
  return i
}

async function promiseSpawnJoin(n: number): Promise<void> {
  const tasks: Promise<number>[] = new Array(n)
  for (let i = 0; i < n; i++) tasks[i] = promiseChild(i)
  for (let i = 0; i < n; i++) await tasks[i]
}

async function promiseSpawnJoinBatches(n: number): Promise<void> {
  for (let done = 0; done < n; done += BATCH) await promiseSpawnJoin(Math.min(BATCH, n - done))
}

function* effectionChild(i: number): effection.Operation<number> {
  return i
}

function* effectionSpawnJoin(n: number): effection.Operation<void> {
  const tasks: effection.Task<number>[] = new Array(n)
  for (let i = 0; i < n; i++) tasks[i] = yield* effection.spawn(() => effectionChild(i))
  for (let i = 0; i < n; i++) yield* tasks[i]!
}

const effectChild = (i: number) =>
  Effect.gen(function* () {
    return i
  })

const effectSpawnJoin = (n: number) =>
  Effect.gen(function* () {
    const fibers: Fiber.RuntimeFiber<number>[] = new Array(n)
    for (let i = 0; i < n; i++) fibers[i] = yield* Effect.fork(effectChild(i))
    for (let i = 0; i < n; i++) yield* Fiber.join(fibers[i]!)
  })

// ---- ping-pong -----------------------------------------------------------------------------

/** A one-slot mailbox on a WaitQueue: what a user builds before reaching for @curio/queue. */
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

function* pinger(ping: Mailbox<number>, pong: Mailbox<number>, rounds: number): Operation<void> {
  for (let i = 0; i < rounds; i++) {
    ping.put(i)
    yield* pong.take()
  }
}

function* ponger(ping: Mailbox<number>, pong: Mailbox<number>, rounds: number): Operation<void> {
  for (let i = 0; i < rounds; i++) pong.put(yield* ping.take())
}

function* pingPong(messages: number): Operation<void> {
  const ping = new Mailbox<number>()
  const pong = new Mailbox<number>()
  const a = yield* curio.spawn(pinger(ping, pong, messages / 2))
  const b = yield* curio.spawn(ponger(ping, pong, messages / 2))
  yield* a.join()
  yield* b.join()
}

/**
 * The same mailbox with the WaitQueue's hand-over: `put` gives the value straight to a waiting
 * taker (`wake(1, value)`), and `take` is one operation object (`suspend(state, attempt)`),
 * no generator per call: how @curio/queue and @curio/sync are built.
 */
class HandOverMailbox<T> {
  private value: T | undefined = undefined
  private full = false
  private readonly takers = new WaitQueue<T>()
  private readonly attempt = (): T | typeof MUST_WAIT => {
    if (!this.full) return MUST_WAIT
    this.full = false
    return this.value as T
  }

  put(value: T): void {
    if (this.takers.wake(1, value) === 0) {
      this.value = value
      this.full = true
    }
  }

  take(): Operation<T> {
    return this.takers.suspend('MAILBOX', this.attempt)
  }
}

interface Box<T> {
  put(value: T): void
  take(): Operation<T>
}

function* boxPinger(ping: Box<number>, pong: Box<number>, rounds: number): Operation<void> {
  for (let i = 0; i < rounds; i++) {
    ping.put(i)
    yield* pong.take()
  }
}

function* boxPonger(ping: Box<number>, pong: Box<number>, rounds: number): Operation<void> {
  for (let i = 0; i < rounds; i++) pong.put(yield* ping.take())
}

function* handOverPingPong(messages: number, timerPending = false): Operation<void> {
  const ping = new HandOverMailbox<number>()
  const pong = new HandOverMailbox<number>()
  // A task asleep meanwhile: a timer pending, as a timeout somewhere in a program keeps one.
  const sleeper = timerPending ? yield* curio.spawn(curio.sleep(60_000)) : undefined
  const a = yield* curio.spawn(boxPinger(ping, pong, messages / 2))
  const b = yield* curio.spawn(boxPonger(ping, pong, messages / 2))
  yield* a.join()
  yield* b.join()
  if (sleeper !== undefined) yield* sleeper.cancel()
}

/** The promise mailbox ping-pong with a Node timer pending meanwhile. */
async function promisePingPongTimerPending(messages: number): Promise<void> {
  const timer = setTimeout(() => {}, 60_000)
  try {
    await promiseMailboxPingPong(messages)
  } finally {
    clearTimeout(timer)
  }
}

// ---- sleep(0) switches ---------------------------------------------------------------------

const SWITCHES_PER_TASK = 100

function* yielder(): Operation<void> {
  for (let i = 0; i < SWITCHES_PER_TASK; i++) yield* curio.sleep(0)
}

function* switches(n: number): Operation<void> {
  const tasks: Task<void>[] = new Array(n / SWITCHES_PER_TASK)
  for (let i = 0; i < tasks.length; i++) tasks[i] = yield* curio.spawn(yielder)
  for (const task of tasks) yield* task.join()
}

async function promiseYielder(): Promise<void> {
  for (let i = 0; i < SWITCHES_PER_TASK; i++) await null
}

async function promiseSwitches(n: number): Promise<void> {
  const tasks: Promise<void>[] = new Array(n / SWITCHES_PER_TASK)
  for (let i = 0; i < tasks.length; i++) tasks[i] = promiseYielder()
  for (const task of tasks) await task
}

function* effectionYielder(): effection.Operation<void> {
  for (let i = 0; i < SWITCHES_PER_TASK; i++) yield* effection.sleep(0)
}

function* effectionSwitches(n: number): effection.Operation<void> {
  const tasks: effection.Task<void>[] = new Array(n / SWITCHES_PER_TASK)
  for (let i = 0; i < tasks.length; i++) tasks[i] = yield* effection.spawn(effectionYielder)
  for (const task of tasks) yield* task
}

const effectYielder = Effect.gen(function* () {
  for (let i = 0; i < SWITCHES_PER_TASK; i++) yield* Effect.yieldNow()
})

const effectSwitches = (n: number) =>
  Effect.gen(function* () {
    const fibers: Fiber.RuntimeFiber<void>[] = new Array(n / SWITCHES_PER_TASK)
    for (let i = 0; i < fibers.length; i++) fibers[i] = yield* Effect.fork(effectYielder)
    for (const fiber of fibers) yield* Fiber.join(fiber)
  })

// ---- timeouts that do not fire -------------------------------------------------------------

const TIMEOUT_MS = 60_000

function* work(i: number): Operation<number> {
  return i
}

function* timeouts(n: number): Operation<void> {
  for (let i = 0; i < n; i++) yield* curio.timeoutAfter(TIMEOUT_MS, work(i))
}

async function promiseWork(i: number): Promise<number> {
  return i
}

/** The usual promise timeout: race the work against a timer, and clear the timer after. */
async function withTimeout<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms)
  })
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
  }
}

async function promiseTimeouts(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await withTimeout(TIMEOUT_MS, promiseWork(i))
}

function* effectionWork(i: number): effection.Operation<number> {
  return i
}

function* effectionExpiry(ms: number): effection.Operation<never> {
  yield* effection.sleep(ms)
  throw new Error('timed out')
}

function* effectionTimeouts(n: number): effection.Operation<void> {
  for (let i = 0; i < n; i++) yield* effection.race([effectionWork(i), effectionExpiry(TIMEOUT_MS)])
}

const effectWork = (i: number) =>
  Effect.gen(function* () {
    return i
  })

const effectTimeouts = (n: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < n; i++) yield* Effect.timeout(effectWork(i), TIMEOUT_MS)
  })

// ---- heap per suspended task ---------------------------------------------------------------

const FOREVER_MS = 1e9

/** Children count themselves in before blocking, so the parent knows when all are suspended. */
let started = 0

function* sleeper(): Operation<void> {
  started++
  yield* curio.sleep(FOREVER_MS)
}

function* sleepersHeap(n: number): Operation<number> {
  started = 0
  const mark = heapMark()
  for (let i = 0; i < n; i++) yield* curio.spawn(sleeper)
  while (started < n) yield* curio.sleep(0)
  return heapSince(mark)
  // returning ends main; the kernel's shutdown cancels the sleepers
}

async function promiseSleeper(timers: ReturnType<typeof setTimeout>[], i: number): Promise<void> {
  started++
  await new Promise((resolve) => {
    timers[i] = setTimeout(resolve, FOREVER_MS)
  })
}

async function promiseSleepersHeap(n: number): Promise<number> {
  started = 0
  // Allocated before the mark: the handles are kept only to clear the timers afterwards.
  const timers: ReturnType<typeof setTimeout>[] = new Array(n).fill(undefined)
  const mark = heapMark()
  for (let i = 0; i < n; i++) void promiseSleeper(timers, i)
  const bytes = heapSince(mark)
  for (const timer of timers) clearTimeout(timer)
  return bytes
}

function* effectionSleeper(): effection.Operation<void> {
  started++
  yield* effection.sleep(FOREVER_MS)
}

function* effectionSleepersHeap(n: number): effection.Operation<number> {
  started = 0
  const mark = heapMark()
  for (let i = 0; i < n; i++) yield* effection.spawn(effectionSleeper)
  while (started < n) yield* effection.sleep(0)
  return heapSince(mark)
}

const effectSleeper = Effect.gen(function* () {
  started++
  yield* Effect.sleep(FOREVER_MS)
})

const effectSleepersHeap = (n: number) =>
  Effect.gen(function* () {
    started = 0
    const mark = heapMark()
    for (let i = 0; i < n; i++) yield* Effect.fork(effectSleeper)
    while (started < n) yield* Effect.yieldNow()
    return heapSince(mark)
  })

// ---- with an AsyncLocalStorage in use -------------------------------------------------------

/**
 * Run `work` inside `als.run`, then disable the storage again. Discussion: on Node 20 an
 * AsyncLocalStorage in use turns on async hooks for the whole process (every promise, every
 * AsyncResource pays for store propagation); disabling it after each run keeps the rows
 * measured without one honest, whatever order the harness runs them in.
 */
const requestStore = new AsyncLocalStorage<{ requestId: number }>()
async function withStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await requestStore.run({ requestId: 1 }, work)
  } finally {
    requestStore.disable()
  }
}

// ---- rows ----------------------------------------------------------------------------------

const runEffection = <T>(op: () => effection.Operation<T>): Promise<T> => effection.run(op)

const rows: Row[] = [
  {
    name: 'spawn+join',
    n: 100_000,
    unit: 'task',
    impls: {
      curio: (n) => curio.run(spawnJoin(n)),
      promise: promiseSpawnJoin,
      effection: { n: 2_000, run: (n) => runEffection(() => effectionSpawnJoin(n)) },
      effect: { n: 10_000, run: (n) => Effect.runPromise(effectSpawnJoin(n)) },
    },
    targets: [
      { vs: 'promise', min: 0.45, stretch: 0.5 },
      { vs: 'effection', min: 50 },
      { vs: 'effect', min: 20 },
    ],
    note: 'spawn all n, then join each in order; the promise "task" is a call of an async function.',
  },
  {
    name: 'spawn+join 10k',
    n: 200_000,
    unit: 'task',
    impls: { curio: (n) => curio.run(spawnJoinBatches(n)), promise: promiseSpawnJoinBatches },
    targets: [{ vs: 'promise', min: 0.3, stretch: 0.5 }],
    note:
      "the same, 10k tasks at a time (n/10k batches in one run): everything stays in V8's young " +
      'generation, where the promise side is cheapest (100k live objects cost several times more each, for both).',
  },
  {
    name: 'ping-pong',
    n: 200_000,
    unit: 'msg',
    impls: {
      curio: (n) => curio.run(pingPong(n)),
      promise: promiseMailboxPingPong,
      effection: { n: 50_000, run: (n) => runEffection(() => effectionPingPong(n)) },
      effect: { n: 10_000, run: (n) => Effect.runPromise(effectPingPong(n)) },
      'bare scheduler': (n) => bareSchedulerPingPong(n, false),
      'bare + context': (n) => bareSchedulerPingPong(n, true),
    },
    targets: [
      { vs: 'promise', min: 0.7, stretch: 1 },
      { vs: 'effection', min: 50 },
      { vs: 'effect', min: 20 },
    ],
    note:
      'two tasks hand a number back and forth: curio a one-slot mailbox on WaitQueue (wake() and a ' +
      '*take() generator around suspend()), promise the ' +
      'same with a stored resolver, Effection createQueue, Effect Queue.unbounded. The two bare ' +
      'rows are the ceiling (baselines/bare-scheduler.ts): a scheduler of the same shape with no ' +
      'feature at all, and the same with a per-task async context entered at every step, which the ' +
      'contract asks of every switch; their ratio to promise is the most any kernel of this shape gets.',
  },
  {
    name: 'ping-pong, hand-over',
    n: 200_000,
    unit: 'msg',
    impls: { curio: (n) => curio.run(handOverPingPong(n)), promise: promiseMailboxPingPong },
    targets: [{ vs: 'promise', min: 0.8, stretch: 1 }],
    note:
      'the same, with the mailbox on WaitQueue.wake(1, value) and suspend(state, attempt): no ' +
      'generator per take (the shape of @curio/queue); against the same promise mailbox.',
  },
  {
    name: 'ping-pong, hand-over, a timer pending',
    n: 200_000,
    unit: 'msg',
    impls: {
      curio: (n) => curio.run(handOverPingPong(n, true)),
      promise: promisePingPongTimerPending,
      'curio, no timer': (n) => curio.run(handOverPingPong(n)),
    },
    note:
      'the hand-over ping-pong with a third task asleep (a timer pending, as any timeout keeps one); ' +
      'promise: the same mailboxes with a Node timer pending. curio reads the clock every few short passes, not after each.',
  },
  {
    name: 'sleep(0)',
    n: 1_000_000,
    unit: 'switch',
    impls: {
      curio: (n) => curio.run(switches(n)),
      promise: promiseSwitches,
      effection: { n: 10_000, run: (n) => runEffection(() => effectionSwitches(n)) },
      effect: { n: 30_000, run: (n) => Effect.runPromise(effectSwitches(n)) },
    },
    note:
      '10k tasks x 100 fair yields. promise: `await null`, the cheapest way for an async ' +
      'function to let every other ready one run (setImmediate would time the event loop, not ' +
      'the switch); Effection has no yield, so its sleep(0) (a setTimeout); Effect: yieldNow().',
  },
  {
    name: 'timeoutAfter',
    n: 100_000,
    unit: 'block',
    impls: {
      curio: (n) => curio.run(timeouts(n)),
      promise: promiseTimeouts,
      effection: { n: 300, run: (n) => runEffection(() => effectionTimeouts(n)) },
      effect: { n: 500, run: (n) => Effect.runPromise(effectTimeouts(n)) },
    },
    scaling: { n: 10_000, max: 1.3 },
    note:
      'one task runs n blocks in turn, each around a call that returns at once. promise: ' +
      'Promise.race with a setTimeout, cleared after; Effection: race with sleep; Effect: Effect.timeout.',
  },
  {
    name: 'heap/suspended',
    n: 100_000,
    unit: 'task',
    kind: 'heap',
    // heapUsed after gc() barely moves between runs: one after the warm-up is enough.
    reps: 1,
    impls: {
      curio: (n) => curio.run(sleepersHeap(n)),
      promise: promiseSleepersHeap,
      effection: { n: 500, run: (n) => runEffection(() => effectionSleepersHeap(n)) },
      effect: { n: 2_000, run: (n) => Effect.runPromise(effectSleepersHeap(n)) },
    },
    targets: [{ max: 400, stretch: 300 }],
    scaling: { n: 10_000, max: 1.3 },
    note: 'heapUsed after gc() with n tasks blocked in sleep(1e9), minus before; promise: an async function awaiting a setTimeout.',
  },
  // The same rows with an AsyncLocalStorage in use (a request store, as OpenTelemetry or a
  // request logger sets one): curio enters each task's spawn-site context (async-context.ts).
  // The baselines are the same work in the same store, and curio without any store.
  {
    name: 'spawn+join, ALS in use',
    n: 100_000,
    unit: 'task',
    impls: {
      curio: (n) => withStore(() => curio.run(spawnJoin(n))),
      promise: (n) => withStore(() => promiseSpawnJoin(n)),
      'curio, no ALS': (n) => curio.run(spawnJoin(n)),
    },
    targets: [{ vs: 'promise', min: 0.45, stretch: 0.5 }],
    note: 'spawn+join inside als.run: each spawn captures the context (an AsyncResource).',
  },
  {
    name: 'ping-pong, ALS in use',
    n: 200_000,
    unit: 'msg',
    impls: {
      curio: (n) => withStore(() => curio.run(pingPong(n))),
      promise: (n) => withStore(() => promiseMailboxPingPong(n)),
      'curio, no ALS': (n) => curio.run(pingPong(n)),
    },
    targets: [{ vs: 'promise', min: 0.7, stretch: 1 }],
    note: 'ping-pong inside als.run: every switch enters the other task context (runInAsyncScope).',
  },
  {
    name: 'sleep(0), ALS in use',
    n: 1_000_000,
    unit: 'switch',
    impls: {
      curio: (n) => withStore(() => curio.run(switches(n))),
      promise: (n) => withStore(() => promiseSwitches(n)),
      'curio, no ALS': (n) => curio.run(switches(n)),
    },
    note: '10k tasks x 100 fair yields inside als.run.',
  },
  {
    name: 'heap/suspended, ALS in use',
    n: 100_000,
    unit: 'task',
    kind: 'heap',
    reps: 1,
    impls: {
      curio: (n) => withStore(() => curio.run(sleepersHeap(n))),
      promise: (n) => withStore(() => promiseSleepersHeap(n)),
    },
    targets: [{ max: 400, stretch: 300 }],
    note: 'heap/suspended inside als.run: the captured context holds the store.',
  },
]

/** The kernel area: `pnpm bench kernel`. */
export const area: Area = { name: 'kernel', rows }
