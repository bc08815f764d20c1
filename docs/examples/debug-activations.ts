import { logcrash, type Operation, run, sleep, spawn, traptrace } from '@curio/kernel'

// Every debug activation takes a logger; this one keeps the lines short and the same on
// every machine: paths relative to here, and only the first line of a stack.
const log = (line: string) => console.log(line.split('\n')[0]!.replaceAll(`${process.cwd()}/`, ''))

function* fetchPage(): Operation<string> {
  yield* sleep(5) // stands in for a request
  return 'page'
}

function* flaky(): Operation<void> {
  yield* sleep(1)
  throw new Error('lost the connection')
}

await run(
  function* main() {
    const page = yield* spawn(fetchPage)
    const f = yield* spawn(flaky)
    yield* page.join()
    try {
      yield* f.join()
    } catch {
      console.log('main: flaky failed; carrying on')
    }
  },
  { clock: 'virtual', debug: true, activations: [traptrace({ log }), logcrash({ log })] },
)

// Output:
// traptrace: task 1 (main) join(task 2 fetchPage) at examples/debug-activations.ts:21
// traptrace: task 2 (fetchPage) sleep(5) at examples/debug-activations.ts:8
// traptrace: task 3 (flaky) sleep(1) at examples/debug-activations.ts:13
// logcrash: task 3 (flaky) crashed: Error: lost the connection
// main: flaky failed; carrying on
