import { type Operation, run, sleep, spawn } from '@curio/kernel'
import { LifoQueue, PriorityQueue } from '@curio/queue'

interface Job {
  priority: number // lower runs first
  name: string
}

function* main(): Operation<void> {
  const jobs = new PriorityQueue<Job>(0, (a, b) => a.priority - b.priority)
  const worker = yield* spawn(function* () {
    for (;;) {
      const job = yield* jobs.get()
      console.log(`run ${job.name} (priority ${job.priority})`)
      jobs.taskDone()
      yield* sleep(1)
    }
  })
  jobs.putNowait({ priority: 5, name: 'backup' })
  jobs.putNowait({ priority: 1, name: 'page the on-call' })
  jobs.putNowait({ priority: 3, name: 'rotate logs' })
  jobs.putNowait({ priority: 1, name: 'restart api' }) // equal priorities keep their order
  yield* jobs.join()
  yield* worker.cancel()

  const undo = new LifoQueue<string>()
  for (const step of ['open file', 'write header', 'write body']) undo.putNowait(step)
  while (!undo.empty()) console.log(`undo ${undo.getNowait()}`)
}

await run(main, { clock: 'virtual' })

// Output:
// run page the on-call (priority 1)
// run restart api (priority 1)
// run rotate logs (priority 3)
// run backup (priority 5)
// undo write body
// undo write header
// undo open file
