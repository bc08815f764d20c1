import { type Operation, run, sleep, spawn } from '@curio/kernel'
import { Queue, QueueClosed } from '@curio/queue'

// Producer/consumer over a bounded queue: put waits while two items are queued, join waits
// until every item was marked done, and close tells the consumers to stop.
function* producer(q: Queue<number>): Operation<void> {
  for (let n = 1; n <= 6; n++) {
    yield* q.put(n)
    console.log(`put ${n}`)
  }
  yield* q.join()
  console.log('every item handled; closing')
  q.close()
}

function* consumer(name: string, q: Queue<number>): Operation<void> {
  try {
    for (;;) {
      const n = yield* q.get()
      yield* sleep(10) // the work
      console.log(`${name} handled ${n}`)
      q.taskDone()
    }
  } catch (error) {
    if (!(error instanceof QueueClosed)) throw error
    console.log(`${name} stops: queue closed`)
  }
}

function* main(): Operation<void> {
  const q = new Queue<number>(2)
  const workers = [yield* spawn(consumer('w1', q)), yield* spawn(consumer('w2', q))]
  yield* producer(q)
  for (const w of workers) yield* w.join()
}

await run(main, { clock: 'virtual' })

// Output:
// put 1
// put 2
// put 3
// put 4
// w1 handled 1
// w2 handled 2
// put 5
// put 6
// w1 handled 3
// w2 handled 4
// w1 handled 5
// w2 handled 6
// every item handled; closing
// w1 stops: queue closed
// w2 stops: queue closed
