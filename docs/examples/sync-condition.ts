import { type Operation, run, sleep, spawn } from '@curio/kernel'
import { Condition } from '@curio/sync'

// A Condition waits under a lock for a state change: waitFor releases the lock while it
// sleeps, and holds it again whenever it checks the predicate or returns.
const cond = new Condition()
const orders: string[] = []

function* cook(name: string): Operation<void> {
  const order = yield* cond.withLock(function* () {
    yield* cond.waitFor(() => orders.length > 0)
    return orders.shift()!
  })
  console.log(`${name} cooks ${order}`)
}

function* main(): Operation<void> {
  const cooks = [yield* spawn(cook('ana')), yield* spawn(cook('ben'))]
  for (const order of ['soup', 'pie']) {
    yield* sleep(10)
    yield* cond.withLock(function* () {
      orders.push(order)
      cond.notify()
    })
  }
  for (const c of cooks) yield* c.join()
}

await run(main, { clock: 'virtual' })

// Output:
// ana cooks soup
// ben cooks pie
