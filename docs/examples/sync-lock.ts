import { ignoreAfter, type Operation, run, sleep, spawn } from '@curio/kernel'
import { Event, Lock, Result } from '@curio/sync'

// A Lock is handed to waiters in order; one that gives up while waiting never holds it.
// An Event starts everyone at once; a Result carries one answer to whoever waits for it.
const lock = new Lock()
const start = new Event()
const total = new Result<number>()
let balance = 0

function* deposit(name: string, amount: number, patience: number): Operation<void> {
  yield* start.wait()
  const done = yield* ignoreAfter(
    patience,
    lock.withLock(function* () {
      const before = balance
      yield* sleep(10) // a slow read-modify-write: safe only under the lock
      balance = before + amount
      return true
    }),
  )
  console.log(done ? `${name} deposited ${amount}` : `${name} gave up waiting`)
}

function* main(): Operation<void> {
  const tasks = [
    yield* spawn(deposit('alice', 100, 50)),
    yield* spawn(deposit('bob', 50, 50)),
    yield* spawn(deposit('carol', 25, 5)), // gives up: the lock is busy for 20 ms
  ]
  start.set()
  yield* spawn(function* () {
    for (const t of tasks) yield* t.join()
    total.setValue(balance)
  })
  console.log('balance:', yield* total.unwrap())
  console.log('lock held afterwards:', lock.locked())
}

await run(main, { clock: 'virtual' })

// Output:
// carol gave up waiting
// alice deposited 100
// bob deposited 50
// balance: 150
// lock held afterwards: false
