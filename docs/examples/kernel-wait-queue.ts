import { type Operation, run, sleep, spawn, WaitQueue } from '@curio/kernel'

// Building a primitive: a one-shot gate on the kernel's WaitQueue. Waiting is an operation;
// opening never blocks, so it is a plain method callable from tasks and callbacks alike.
class Gate {
  private open = false
  private readonly waiters = new WaitQueue()

  openGate(): void {
    this.open = true
    this.waiters.wakeAll()
  }

  *wait(): Operation<void> {
    if (!this.open) yield* this.waiters.suspend('GATE_WAIT')
  }
}

function* main(): Operation<void> {
  const gate = new Gate()
  for (const name of ['a', 'b']) {
    yield* spawn(function* () {
      yield* gate.wait()
      console.log(`${name} passed`)
    })
  }
  yield* sleep(10)
  console.log('opening')
  setTimeout(() => gate.openGate(), 5) // from a plain Node callback
  yield* sleep(20)
}

await run(main)

// Output:
// opening
// a passed
// b passed
