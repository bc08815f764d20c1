import { type Operation, run, spawn } from '@curio/kernel'
import { PIPE, Popen } from '@curio/subprocess'

// `producer | sort -n`, with the parent in between: a task copies one child's
// output into the next one's input, with backpressure all the way (memory stays bounded).
function* pipe(from: Popen, to: Popen): Operation<void> {
  for (;;) {
    const chunk = yield* from.stdout!.read(64 * 1024)
    if (chunk.length === 0) break
    yield* to.stdin!.write(chunk)
  }
  to.stdin!.close()
}

function* main(): Operation<void> {
  const producer = new Popen(['sh', '-c', 'for n in 42 7 19 3 88; do echo $n; done'], { stdout: PIPE })
  const sort = new Popen(['sort', '-n'], { stdin: PIPE, stdout: PIPE })
  const copier = yield* spawn(pipe(producer, sort))
  // Not communicate(): it would close sort's input, which the copier is still writing.
  const sorted = yield* sort.stdout!.read() // to end of stream
  yield* copier.join()
  console.log(sorted.toString().trim().split('\n').join(' '))
  console.log('exit codes', yield* producer.wait(), yield* sort.wait())
}

await run(main)

// Output:
// 3 7 19 42 88
// exit codes 0 0
