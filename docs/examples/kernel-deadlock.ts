import { DeadlockError, type Operation, run, spawn, WaitQueue } from '@curio/kernel'

// The classic bug: the consumer waits for a signal the producer was to give, but the
// producer crashed first. Nothing in the program can ever wake the consumer. When Node's
// event loop runs dry, curio cancels every task (their finally blocks run), reports the crash
// nobody joined, and rejects run() with DeadlockError instead of exiting in silence.
const ready = new WaitQueue()

function* producer(): Operation<void> {
  throw new Error('config file missing') // ready.wakeAll() is never reached
}

function* consumer(): Operation<void> {
  try {
    yield* ready.suspend('READY_WAIT')
  } finally {
    console.log('consumer: cleaned up')
  }
}

try {
  await run(
    function* main() {
      yield* spawn(producer)
      const c = yield* spawn(consumer)
      yield* c.join()
    },
    { reportCrash: (r) => console.log(`crash report: task ${r.name}: ${(r.error as Error).message}`) },
  )
} catch (error) {
  if (!(error instanceof DeadlockError)) throw error
  console.log(error.message)
  console.log(error.tasks.map((t) => `${t.name}=${t.state}`).join(' '))
}

// Output:
// consumer: cleaned up
// crash report: task producer: config file missing
// deadlock: the event loop ran dry with 2 tasks blocked, so nothing can wake them (all were cancelled):
//   task 1 (main) TASK_JOIN at join(task 3 consumer)
//   task 3 (consumer) READY_WAIT at WaitQueue.suspend(READY_WAIT)
// main=TASK_JOIN consumer=READY_WAIT
