import diagnostics from 'node:diagnostics_channel'
import { type Operation, run, sleep, spawn, type Task } from '@curio/kernel'

// What an APM or tracing tool does: subscribe to curio's channels by name. No import of the
// kernel is needed for that, and while nobody subscribes the kernel publishes nothing.
diagnostics.subscribe('curio:task:spawn', (message) => {
  const { task } = message as { task: Task }
  console.log(`spawn ${task.id} ${task.name} (parent ${task.parentId ?? '-'})`)
})
diagnostics.subscribe('curio:task:end', (message) => {
  const { task } = message as { task: Task }
  const error = task.exception as Error | undefined
  console.log(`end   ${task.id} ${task.name}: ${error === undefined ? 'returned' : error.name}`)
})

function* fetchUser(): Operation<string> {
  yield* sleep(5)
  return 'ada'
}

await run(function* main() {
  const user = yield* spawn(fetchUser)
  const stale = yield* spawn(function* refresh() {
    yield* sleep(60_000)
  })
  yield* user.join()
  yield* stale.cancel()
})

// Output:
// spawn 1 main (parent -)
// spawn 2 fetchUser (parent 1)
// spawn 3 refresh (parent 1)
// end   2 fetchUser: returned
// end   3 refresh: TaskCancelled
// end   1 main: returned
