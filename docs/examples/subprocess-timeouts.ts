import { type Operation, run, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { PIPE, Popen, run as runCommand, TimeoutExpired } from '@curio/subprocess'

function* main(): Operation<void> {
  // run's own timeout: the child is killed and reaped, and what it printed so far is kept.
  try {
    yield* runCommand(['sh', '-c', 'echo started; exec sleep 60'], { timeout: 500, captureOutput: true })
  } catch (error) {
    if (error instanceof TimeoutExpired) {
      console.log(error.message)
      console.log('so far:', JSON.stringify(error.stdout!.toString()))
    }
  }

  // An enclosing timeoutAfter works on any operation, communicate included.
  const p = new Popen(['sleep', '60'], { stdout: PIPE })
  try {
    yield* timeoutAfter(100, p.communicate())
  } catch (error) {
    if (error instanceof TaskTimeout) console.log('timed out; child ended by', p.signal)
  }

  // Cancelling the task that runs a command kills the command too, before cancel() returns.
  const task = yield* spawn(runCommand(['sleep', '60']))
  yield* task.cancel()
  console.log('cancelled; nothing left running')
}

await run(main)

// Output:
// command "sh -c 'echo started; exec sleep 60'" timed out after 500 ms
// so far: "started\n"
// timed out; child ended by SIGTERM
// cancelled; nothing left running
