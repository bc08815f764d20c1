import { awaitPromise, type Operation, run } from '@curio/kernel'
import { WorkerCrashed, WorkerPool, workerFunction } from '@curio/workers'

const fib = workerFunction<(n: number) => number>(new URL('./fib.mjs', import.meta.url), 'fib')

function* main(): Operation<void> {
  const pool = new WorkerPool({ kind: 'process', size: 2 })
  try {
    console.log('fib(25) =', yield* pool.run(fib, 25))

    try {
      yield* pool.run((path: string) => require('node:fs').readFileSync(path), '/no/such/file')
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      console.log(`${e.name} ${e.code}: ${e.syscall} ${e.path}`) // fields of the worker's error
    }

    try {
      yield* pool.run(() => process.exit(3))
    } catch (error) {
      if (error instanceof WorkerCrashed) console.log('crashed with exit code', error.exitCode)
    }
    console.log('the pool goes on:', yield* pool.run(() => 'ok'))
  } finally {
    yield* awaitPromise(pool.close()) // settles when both processes are gone
  }
}

await run(main)

// Output:
// fib(25) = 75025
// Error ENOENT: open /no/such/file
// crashed with exit code 3
// the pool goes on: ok
