// Tasks, a task group and timeouts in a few lines: `pnpm demo` runs this.
import {
  clock,
  ignoreAfter,
  type Operation,
  run,
  sleep,
  spawn,
  TaskTimeout,
  taskGroup,
  timeoutAfter,
} from '@curio/kernel'

function* countdown(name: string, n: number, ms: number): Operation<string> {
  for (let i = n; i > 0; i--) {
    console.log(`  ${name}: ${i}`)
    yield* sleep(ms)
  }
  return `${name} done`
}

function* main(): Operation<void> {
  const start = yield* clock()
  const elapsed = function* () {
    return `${Math.round((yield* clock()) - start)} ms`
  }

  console.log('1. spawn a task and join it')
  const task = yield* spawn(countdown('rocket', 3, 50))
  console.log(`   -> ${yield* task.join()} after ${yield* elapsed()}`)

  console.log('2. a task group waits for all its children')
  const results = yield* taskGroup({ wait: 'all' }, function* (group) {
    yield* group.spawn(countdown('fast', 2, 20))
    yield* group.spawn(countdown('slow', 2, 60))
    yield* group.join()
    return group.results
  })
  console.log(`   -> ${JSON.stringify(results)} after ${yield* elapsed()}`)

  console.log('3. timeoutAfter cancels what takes too long')
  try {
    yield* timeoutAfter(70, countdown('too slow', 5, 50))
  } catch (error) {
    if (!(error instanceof TaskTimeout)) throw error
    console.log(`   -> TaskTimeout after ${yield* elapsed()}`)
  }

  console.log('4. ignoreAfter gives a fallback instead')
  const answer = yield* ignoreAfter(30, countdown('ignored', 5, 20), { timeoutResult: 'fallback' })
  console.log(`   -> ${answer} after ${yield* elapsed()}`)
}

await run(main)
console.log('all tasks finished; nothing left running')
