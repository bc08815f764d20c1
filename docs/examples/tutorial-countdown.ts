import { type Operation, run, sleep } from '@curio/kernel'

// A task is a generator function. `yield*` is where it may block (and be cancelled).
function* countdown(n: number): Operation<void> {
  while (n > 0) {
    console.log('T-minus', n)
    yield* sleep(100) // milliseconds, as everywhere in Node
    n--
  }
  console.log('Liftoff')
}

await run(countdown(3))

// Output:
// T-minus 3
// T-minus 2
// T-minus 1
// Liftoff
