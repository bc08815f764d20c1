import { type Operation, run, sleep, spawn } from '@curio/kernel'
import { runInThread } from '@curio/workers'

// Sent to the worker by source: it may use its arguments and globals, nothing from this module.
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}

function* ticker(): Operation<void> {
  for (let i = 1; i <= 3; i++) {
    yield* sleep(20)
    console.log('tick', i) // the kernel stays responsive while a thread computes
  }
}

function* main(): Operation<void> {
  const ticks = yield* spawn(ticker)
  const [a, b] = [yield* spawn(runInThread(fib, 30)), yield* spawn(runInThread(fib, 31))]
  yield* ticks.join()
  console.log('fib(30) =', yield* a.join())
  console.log('fib(31) =', yield* b.join())
}

await run(main)

// Output:
// tick 1
// tick 2
// tick 3
// fib(30) = 832040
// fib(31) = 1346269
