// Curio's signal handling: a program that reports SIGUSR1 and SIGUSR2 as they come, and stops
// cleanly on Ctrl-C (SIGINT) or SIGTERM. No handler outlives the program's tasks.
// Run: node --conditions=@curio/source --import tsx examples/signal_handling.ts
// then, from another terminal: kill -USR1 <pid>; kill -USR2 <pid>; kill <pid>
import { SignalEvent, SignalQueue } from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'
import { isMain } from './is-main.js'

export function* main(): Operation<void> {
  using stop = new SignalEvent('SIGINT', 'SIGTERM')
  using signals = new SignalQueue('SIGUSR1', 'SIGUSR2')
  const reporter = yield* spawn(function* () {
    for (;;) console.log('got', yield* signals.get())
  })
  console.log(`pid ${process.pid}: waiting for signals (Ctrl-C to stop)`)
  const name = yield* stop.wait()
  console.log(`${name}: shutting down`)
  yield* reporter.cancel()
}

if (isMain(import.meta.url)) await run(main)
