import { type Operation, run, sleep, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { runInThread } from '@curio/workers'

function spin(shared: SharedArrayBuffer): never {
  const counter = new Int32Array(shared)
  for (;;) Atomics.add(counter, 0, 1) // never returns, never looks up
}

function* main(): Operation<void> {
  const shared = new SharedArrayBuffer(4)
  const counter = new Int32Array(shared)
  const task = yield* spawn(runInThread(spin, shared))
  while (Atomics.load(counter, 0) === 0) yield* sleep(5) // until the thread spins
  yield* task.cancel() // terminates the thread, and returns once it is gone
  const frozen = Atomics.load(counter, 0)
  yield* sleep(20)
  console.log('still counting after cancel:', Atomics.load(counter, 0) !== frozen)

  try {
    yield* timeoutAfter(50, runInThread(spin, shared)) // a timeout stops a thread the same way
  } catch (error) {
    if (error instanceof TaskTimeout) console.log('timed out')
  }
}

await run(main)

// Output:
// still counting after cancel: false
// timed out
