import { type Operation, run, sleep, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'

function* countdown(n: number): Operation<void> {
  for (; n > 0; n--) {
    console.log('T-minus', n)
    yield* sleep(100)
  }
}

function* kid(): Operation<string> {
  console.log('Building the Millenium Falcon in Minecraft')
  try {
    yield* sleep(10_000)
    return 'done'
  } catch (error) {
    console.log('kid: fine, saving my work')
    yield* sleep(10) // cleanup may block; the canceller waits for it
    throw error
  }
}

function* parent(): Operation<void> {
  const kidTask = yield* spawn(kid)
  yield* spawn(countdown(2)) // two tasks now run side by side
  yield* sleep(250)

  console.log("Let's go")
  try {
    // Give the kid 50 ms more to finish; join() returns its result or throws.
    console.log('kid says', yield* timeoutAfter(50, kidTask.join()))
  } catch (error) {
    if (!(error instanceof TaskTimeout)) throw error
    console.log("I'm not waiting any longer")
    yield* kidTask.cancel() // delivers TaskCancelled at the kid's sleep, waits for it to end
  }
  console.log('Leaving, kid cancelled:', kidTask.cancelled)
}

await run(parent)

// Output:
// Building the Millenium Falcon in Minecraft
// T-minus 2
// T-minus 1
// Let's go
// I'm not waiting any longer
// kid: fine, saving my work
// Leaving, kid cancelled: true
