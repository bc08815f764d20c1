import { SignalEvent, SignalQueue } from '@curio/io'
import { type Operation, run, sleep, spawn } from '@curio/kernel'

function* main(): Operation<void> {
  using signals = new SignalQueue('SIGUSR1', 'SIGUSR2')
  using stop = new SignalEvent('SIGTERM')

  // Something (here: this very process) sends real signals; they queue in order of arrival.
  yield* spawn(function* () {
    for (const name of ['SIGUSR1', 'SIGUSR2', 'SIGUSR1', 'SIGTERM'] as const) {
      process.kill(process.pid, name)
      yield* sleep(10)
    }
  })

  let got = 0
  while (got < 3) {
    console.log('got', yield* signals.get())
    got++
  }
  console.log('stop event set by', yield* stop.wait())
  console.log('SIGUSR1 listeners while open:', process.listenerCount('SIGUSR1'))
}

await run(main)
// The `using` blocks closed both: the signals' default actions are back.
console.log('SIGUSR1 listeners after run:', process.listenerCount('SIGUSR1'))

// Output:
// got SIGUSR1
// got SIGUSR2
// got SIGUSR1
// stop event set by SIGTERM
// SIGUSR1 listeners while open: 1
// SIGUSR1 listeners after run: 0
