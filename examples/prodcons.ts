// Producers and consumers over a bounded queue, with a timeout, cancellation and a clean
// shutdown: `node --conditions=@curio/source --import tsx examples/prodcons.ts`.
import { type Operation, run, sleep, spawn, type Task, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { Queue, QueueClosed } from '@curio/queue'

interface Job {
  id: number
  from: string
  ms: number
}

let handled = 0

function* producer(name: string, q: Queue<Job>, count: number, every: number): Operation<void> {
  for (let i = 0; i < count; i++) {
    yield* sleep(every)
    const job = { id: i, from: name, ms: 10 + ((i * 37) % 50) }
    yield* q.put(job) // waits while the queue is full: back-pressure on the producer
  }
  console.log(`${name}: produced ${count} jobs`)
}

function* consumer(name: string, q: Queue<Job>): Operation<void> {
  for (;;) {
    let job: Job
    try {
      job = yield* q.get()
    } catch (error) {
      if (error instanceof QueueClosed) return
      throw error
    }
    try {
      yield* timeoutAfter(45, sleep(job.ms)) // the work, bounded in time
      handled++
      console.log(`${name}: ${job.from}#${job.id} done in ${job.ms} ms`)
    } catch (error) {
      if (!(error instanceof TaskTimeout)) throw error
      console.log(`${name}: ${job.from}#${job.id} took too long, skipped`)
    } finally {
      q.taskDone()
    }
  }
}

function* main(): Operation<void> {
  const q = new Queue<Job>(4)
  const consumers: Task<void>[] = []
  for (const name of ['c1', 'c2', 'c3']) consumers.push(yield* spawn(consumer(name, q)))
  const producers = [yield* spawn(producer('alpha', q, 6, 5)), yield* spawn(producer('beta', q, 6, 8))]
  for (const p of producers) yield* p.join()
  yield* q.join() // every job handled or skipped
  q.close() // consumers see QueueClosed and return
  for (const c of consumers) yield* c.join()
  console.log(`handled ${handled} of 12 jobs; queue empty: ${q.empty()}`)
}

await run(main)
