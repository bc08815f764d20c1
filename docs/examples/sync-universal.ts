import { type Operation, run, sleep } from '@curio/kernel'
import { UniversalEvent, UniversalResult } from '@curio/sync'

// Universal objects cross the boundary: promise code and timers set them, tasks wait on
// them with yield*, and promise code waits with await ...Async().
const configLoaded = new UniversalResult<{ workers: number }>()
const stopped = new UniversalEvent()

// Plain promise code, outside any task.
async function loadConfig(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 10))
  configLoaded.setValue({ workers: 3 })
}

async function watchdog(): Promise<void> {
  await stopped.waitAsync()
  console.log('watchdog: the service stopped')
}

function* service(): Operation<void> {
  const config = yield* configLoaded.unwrap() // waits for the promise code above
  console.log(`service: starting ${config.workers} workers`)
  yield* sleep(5)
  console.log('service: stopping')
  stopped.set() // wakes the async watchdog
}

const watching = watchdog()
void loadConfig()
await run(service)
await watching

// Output:
// service: starting 3 workers
// service: stopping
// watchdog: the service stopped
