import { clock, type Operation, run, sleep, spawn } from '@curio/kernel'

// With the virtual clock, time jumps to the next deadline whenever nothing else can run:
// tests of timeouts take microseconds and always give the same answer.
function* main(): Operation<void> {
  const start = yield* clock()
  const ticker = yield* spawn(function* () {
    for (let i = 1; i <= 3; i++) {
      yield* sleep(60 * 60 * 1000) // one hour
      console.log(`hour ${i}`)
    }
  })
  yield* ticker.join()
  console.log('virtual hours passed:', ((yield* clock()) - start) / 3_600_000)
}

const t0 = performance.now()
await run(main, { clock: 'virtual' })
console.log('real time under a second:', performance.now() - t0 < 1000)

// Output:
// hour 1
// hour 2
// hour 3
// virtual hours passed: 3
// real time under a second: true
