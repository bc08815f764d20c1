import { ignoreAfter, type Operation, run, sleep, TaskTimeout, timeoutAfter } from '@curio/kernel'

function* slowAnswer(ms: number): Operation<number> {
  yield* sleep(ms)
  return 42
}

function* main(): Operation<void> {
  console.log(yield* timeoutAfter(50, slowAnswer(10))) // in time: 42

  try {
    yield* timeoutAfter(10, slowAnswer(50))
  } catch (error) {
    console.log('too slow:', error instanceof TaskTimeout)
  }

  // ignoreAfter returns a fallback instead of throwing
  console.log(yield* ignoreAfter(10, slowAnswer(50), { timeoutResult: -1 }))

  // Nested: the outer deadline expires first. The inner ignoreAfter must not swallow it,
  // so the outer block gets the TaskTimeout.
  try {
    yield* timeoutAfter(10, function* () {
      yield* ignoreAfter(100, slowAnswer(1000))
      console.log('not reached')
    })
  } catch (error) {
    console.log('outer expired:', error instanceof TaskTimeout)
  }
}

await run(main, { clock: 'virtual' }) // virtual time: this takes microseconds

// Output:
// 42
// too slow: true
// -1
// outer expired: true
