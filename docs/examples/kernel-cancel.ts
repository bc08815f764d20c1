import { disableCancellation, type Operation, run, sleep, spawn, TaskCancelled } from '@curio/kernel'

function* worker(): Operation<void> {
  try {
    for (;;) yield* sleep(10)
  } catch (error) {
    console.log('worker got', (error as Error).name)
    throw error // let the cancellation end the task
  } finally {
    // Blocking inside finally is fine: the cleanup runs to its end.
    yield* sleep(5)
    console.log('worker cleaned up')
  }
}

function* critical(): Operation<void> {
  yield* disableCancellation(function* () {
    yield* sleep(20) // a cancel arriving now is held until the region ends
    console.log('critical section done')
  })
  yield* sleep(1) // ...and delivered here
  console.log('never printed')
}

function* main(): Operation<void> {
  const w = yield* spawn(worker)
  yield* sleep(25)
  console.log('cancel returned', yield* w.cancel()) // waits until w has ended
  console.log('w.cancelled =', w.cancelled)

  const c = yield* spawn(critical)
  yield* sleep(5)
  yield* c.cancel()
  console.log('c ended with', (c.exception as Error).name, c.exception instanceof TaskCancelled)
}

await run(main)

// Output:
// worker got TaskCancelled
// worker cleaned up
// cancel returned true
// w.cancelled = true
// critical section done
// c ended with TaskCancelled true
