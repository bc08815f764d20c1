import { setTimeout as delay } from 'node:timers/promises'
import { awaitPromise, call, Kernel, type Operation, sleep, spawn, timeoutAfter } from '@curio/kernel'

function* main(): Operation<string> {
  // Wait for any promise
  const n = yield* awaitPromise(Promise.resolve(7))
  console.log('awaited', n)

  // Promise code gets an AbortSignal that fires when the task is cancelled or times out
  let aborted = false
  try {
    yield* timeoutAfter(
      20,
      call(async (signal) => {
        signal.addEventListener('abort', () => (aborted = true))
        await delay(1000, undefined, { signal })
      }),
    )
  } catch {
    console.log('timed out; promise code aborted:', aborted)
  }

  // The other direction: a task as a promise
  const task = yield* spawn(function* () {
    yield* sleep(5)
    return 'from a task'
  })
  return yield* awaitPromise(task.toPromise())
}

const kernel = new Kernel()
console.log(await kernel.run(main))
await kernel.close()

// Output:
// awaited 7
// timed out; promise code aborted: true
// from a task
