// The workloads of ab-queue.mjs, in a module of their own so that each queue and workload gets
// its own copy (imported as `ab-queue-workloads.mjs?a-pp` and so on).
import * as curio from '@curio/kernel'

function* pinger(ping, pong, rounds) {
  for (let i = 0; i < rounds; i++) {
    yield* ping.put(i)
    yield* pong.get()
  }
}

function* ponger(ping, pong, rounds) {
  for (let i = 0; i < rounds; i++) yield* pong.put(yield* ping.get())
}

function* pingPong(make, n) {
  const ping = make()
  const pong = make()
  const a = yield* curio.spawn(pinger(ping, pong, n / 2))
  const b = yield* curio.spawn(ponger(ping, pong, n / 2))
  yield* a.join()
  yield* b.join()
}

/** One task puts `BURST` items then gets them, over and over: puts and gets that never block. */
const BURST = 100
function* bursts(make, n) {
  const q = make()
  for (let done = 0; done < n; done += BURST) {
    for (let i = 0; i < BURST; i++) yield* q.put(i)
    for (let i = 0; i < BURST; i++) yield* q.get()
  }
}

/** One task puts `n` items, another gets them: through a `Queue(1)` both block in turn. */
function* producerConsumer(make, n) {
  const q = make()
  const consumer = yield* curio.spawn(function* () {
    for (let i = 0; i < n; i++) yield* q.get()
  })
  for (let i = 0; i < n; i++) yield* q.put(i)
  yield* consumer.join()
}

/** The workloads on `queue`'s Queue. */
export function workloads(queue) {
  const { Queue } = queue
  return {
    pp: (n) => curio.run(pingPong(() => new Queue(), n)),
    pp1: (n) => curio.run(pingPong(() => new Queue(1), n)),
    burst: (n) => curio.run(bursts(() => new Queue(), n)),
    burst1k: (n) => curio.run(bursts(() => new Queue(1000), n)),
    pc1: (n) => curio.run(producerConsumer(() => new Queue(1), n)),
  }
}
