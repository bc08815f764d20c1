// Child processes from curio tasks: a pipeline of two programs, a command that times out,
// and a child's output streamed line by line while it runs.
// `node --conditions=@curio/source --import tsx examples/subprocess.ts`
import { type Operation, run, spawn } from '@curio/kernel'
import { PIPE, Popen, run as runCommand, TimeoutExpired } from '@curio/subprocess'

/** `seq 1 100000 | grep 7`, joined by a task that copies from one to the other with backpressure. */
function* pipeline(): Operation<void> {
  const seq = new Popen(['seq', '1', '100000'], { stdout: PIPE })
  const grep = new Popen(['grep', '-c', '7'], { stdin: PIPE, stdout: PIPE })
  const copier = yield* spawn(function* () {
    for (
      let chunk = yield* seq.stdout!.read(65536);
      chunk.length > 0;
      chunk = yield* seq.stdout!.read(65536)
    ) {
      yield* grep.stdin!.write(chunk)
    }
    grep.stdin!.close()
  })
  const count = (yield* grep.stdout!.read()).toString().trim()
  yield* copier.join()
  console.log(
    `pipeline: ${count} numbers up to 100000 contain a 7 (exit ${yield* seq.wait()}, ${yield* grep.wait()})`,
  )
}

/** A command that takes too long: killed, reaped, and its output so far kept. */
function* timeout(): Operation<void> {
  try {
    yield* runCommand(['sh', '-c', 'echo "working..."; sleep 30; echo done'], {
      timeout: 500,
      captureOutput: true,
    })
  } catch (error) {
    if (!(error instanceof TimeoutExpired)) throw error
    console.log(`timeout: ${error.message}; it had printed ${JSON.stringify(error.stdout!.toString())}`)
  }
}

/** Lines from a child as it prints them, with the parent's own timing in between. */
function* streaming(): Operation<void> {
  const script = 'for (let i = 1; i <= 3; i++) setTimeout(() => console.log("step " + i), i * 100)'
  const child = new Popen([process.execPath, '-e', script], { stdout: PIPE })
  let last = 0
  yield* child.stdout!.eachLine((line) => {
    const gap = last === 0 ? '' : ` (+${Math.round((Date.now() - last) / 50) * 50} ms)`
    last = Date.now()
    console.log(`streaming: ${line.toString().trim()}${gap}`)
  })
  console.log(`streaming: child exited with ${yield* child.wait()}`)
}

await run(function* () {
  yield* pipeline()
  yield* timeout()
  yield* streaming()
})
