import { clock, type Operation, run, sleep, taskGroup } from '@curio/kernel'
import { Semaphore } from '@curio/sync'

// A bounded worker pool: a Semaphore lets at most two jobs run at once; the others wait
// their turn in the order they asked. (The virtual clock makes the sleeps instant and the
// printed times exact; drop the option to run in real time.)
const slots = new Semaphore(2)

function* job(name: string, ms: number): Operation<void> {
  yield* slots.withAcquire(function* () {
    console.log(`${yield* clock()} ms: ${name} starts, free slots: ${slots.value}`)
    yield* sleep(ms)
    console.log(`${yield* clock()} ms: ${name} done`)
  })
}

function* main(): Operation<void> {
  yield* taskGroup({ wait: 'all' }, function* (group) {
    for (const [name, ms] of [
      ['a', 30],
      ['b', 10],
      ['c', 10],
      ['d', 5],
    ] as const) {
      yield* group.spawn(job(name, ms))
    }
  })
  console.log(`all done, free slots: ${slots.value}`)
}

await run(main, { clock: 'virtual' })

// Output:
// 0 ms: a starts, free slots: 1
// 0 ms: b starts, free slots: 0
// 10 ms: b done
// 10 ms: c starts, free slots: 0
// 20 ms: c done
// 20 ms: d starts, free slots: 0
// 25 ms: d done
// 30 ms: a done
// all done, free slots: 2
