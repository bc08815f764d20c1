import { type Operation, run, sleep, spawn, TaskError } from '@curio/kernel'

function* fetchUser(id: number): Operation<string> {
  yield* sleep(10) // stands in for real I/O
  if (id < 0) throw new RangeError(`no user ${id}`)
  return `user-${id}`
}

function* main(): Operation<void> {
  const a = yield* spawn(fetchUser(1)) // spawn does not switch: both start now
  const b = yield* spawn(fetchUser(-1))
  console.log(yield* a.join())
  try {
    yield* b.join()
  } catch (error) {
    if (error instanceof TaskError) console.log('b failed:', (error.cause as Error).message)
  }
}

await run(main)

// Output:
// user-1
// b failed: no user -1
