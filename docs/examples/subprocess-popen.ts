import { type Operation, run } from '@curio/kernel'
import { PIPE, Popen } from '@curio/subprocess'

function* main(): Operation<void> {
  // A conversation: write a line, read the answer, as often as you like. No deadlock, no
  // buffering surprises: each write returns once Node has taken the bytes.
  const bc = new Popen(['sh', '-c', 'while read n; do echo $((n * n)); done'], { stdin: PIPE, stdout: PIPE })
  for (const n of [3, 4, 12]) {
    yield* bc.stdin!.write(`${n}\n`)
    const answer = yield* bc.stdout!.readline()
    console.log(`${n}² = ${answer.toString().trim()}`)
  }
  bc.stdin!.close() // end of input: the loop ends, so does the child
  console.log('exit', yield* bc.wait())

  // Stream a child's output line by line as it comes (an empty line is end of stream).
  const ticker = new Popen(['sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 0.05; done'], {
    stdout: PIPE,
  })
  for (
    let line = yield* ticker.stdout!.readline();
    line.length > 0;
    line = yield* ticker.stdout!.readline()
  ) {
    console.log('got', line.toString().trim())
  }
  yield* ticker.wait()

  // A child killed by a signal: returncode is minus the signal number.
  const sleeper = new Popen(['sleep', '60'])
  sleeper.terminate()
  console.log(yield* sleeper.wait(), sleeper.signal)
}

await run(main)

// Output:
// 3² = 9
// 4² = 16
// 12² = 144
// exit 0
// got tick 1
// got tick 2
// got tick 3
// -15 SIGTERM
