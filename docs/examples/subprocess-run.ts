import { type Operation, run } from '@curio/kernel'
import * as subprocess from '@curio/subprocess'

function* main(): Operation<void> {
  // Run to completion; capture what it prints.
  const done = yield* subprocess.run(['sh', '-c', 'echo hello; echo warning >&2'], { captureOutput: true })
  console.log(
    done.returncode,
    JSON.stringify(done.stdout!.toString()),
    JSON.stringify(done.stderr!.toString()),
  )

  // Feed input; checkOutput returns standard output and checks the exit status.
  const sorted = yield* subprocess.checkOutput(['sort'], { input: 'pear\napple\nfig\n' })
  console.log(sorted.toString().trim().split('\n').join(' '))

  // check: a non-zero exit becomes CalledProcessError, naming the command.
  try {
    yield* subprocess.run(['sh', '-c', 'exit 3'], { check: true })
  } catch (error) {
    if (error instanceof subprocess.CalledProcessError) console.log(error.message)
  }

  // A program that does not exist: ENOENT, thrown by run (never by new Popen).
  try {
    yield* subprocess.run(['no-such-program'])
  } catch (error) {
    console.log((error as NodeJS.ErrnoException).code, (error as Error).message)
  }
}

await run(main)

// Output:
// 0 "hello\n" "warning\n"
// apple fig pear
// command "sh -c 'exit 3'" returned non-zero exit status 3
// ENOENT spawn no-such-program ENOENT
