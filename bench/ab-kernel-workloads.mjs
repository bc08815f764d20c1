// The workloads of ab-kernel.mjs. A module of their own, imported once per kernel under its own
// URL: each kernel then gets its own copies of these functions and classes, and so its own type
// feedback. From one shared module, V8 would tune the same call sites on both kernels' objects
// at once (found by the queue's twin, ab-queue.mjs).
/** The workloads, written as users write them, for one kernel module. */
export function workloads(curio) {
  const { WaitQueue, MUST_WAIT } = curio
  class Mailbox {
    value = undefined
    full = false
    takers = new WaitQueue()
    put(v) {
      this.value = v
      this.full = true
      this.takers.wake()
    }
    *take() {
      while (!this.full) yield* this.takers.suspend('MAILBOX')
      this.full = false
      return this.value
    }
  }
  class HandOver {
    value = undefined
    full = false
    takers = new WaitQueue()
    attempt = () => {
      if (!this.full) return MUST_WAIT
      this.full = false
      return this.value
    }
    put(v) {
      if (this.takers.wake(1, v) === 0) {
        this.value = v
        this.full = true
      }
    }
    take() {
      return this.takers.suspend('MAILBOX', this.attempt)
    }
  }
  function* pinger(a, b, n) {
    for (let i = 0; i < n; i++) {
      a.put(i)
      yield* b.take()
    }
  }
  function* ponger(a, b, n) {
    for (let i = 0; i < n; i++) b.put(yield* a.take())
  }
  function* pingPong(Box, n) {
    const a = new Box()
    const b = new Box()
    const t1 = yield* curio.spawn(pinger(a, b, n / 2))
    const t2 = yield* curio.spawn(ponger(a, b, n / 2))
    yield* t1.join()
    yield* t2.join()
  }
  function* child(i) {
    return i
  }
  function* spawnJoin(n, batch) {
    for (let done = 0; done < n; done += batch) {
      const tasks = new Array(batch)
      for (let i = 0; i < batch; i++) tasks[i] = yield* curio.spawn(child(i))
      for (let i = 0; i < batch; i++) yield* tasks[i].join()
    }
  }
  function* yielder() {
    for (let i = 0; i < 100; i++) yield* curio.sleep(0)
  }
  function* switches(n) {
    const tasks = []
    for (let i = 0; i < n / 100; i++) tasks.push(yield* curio.spawn(yielder))
    for (const t of tasks) yield* t.join()
  }
  return {
    gen: (n) => curio.run(pingPong(Mailbox, n)),
    hand: (n) => curio.run(pingPong(HandOver, n)),
    sj100k: (n) => curio.run(spawnJoin(n, n)),
    sj10k: (n) => curio.run(spawnJoin(n, 10_000)),
    sleep0: (n) => curio.run(switches(n)),
  }
}
