/**
 * Flags a process worker must not inherit: they would re-run the parent's script (`-e`,
 * `-p`), make the worker a test runner or a watcher, or fight over the inspector port.
 */
const DROPPED = [
  /^-e$/,
  /^-p$/,
  /^--eval(=|$)/,
  /^--print(=|$)/,
  /^--input-type(=|$)/,
  /^--test/,
  /^--inspect/,
  /^--watch/,
]

/** Dropped flags whose value may follow as the next argument (`-e CODE`, `--watch-path DIR`). */
const TAKES_VALUE = new Set([
  '-e',
  '-p',
  '--eval',
  '--print',
  '--input-type',
  '--inspect-port',
  '--watch-path',
  '--test-name-pattern',
  '--test-skip-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-shard',
  '--test-concurrency',
  '--test-timeout',
  '--test-coverage-include',
  '--test-coverage-exclude',
  '--test-coverage-branches',
  '--test-coverage-functions',
  '--test-coverage-lines',
])

/** The parent's `execArgv` as a process worker should get it. */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!
    if (!DROPPED.some((pattern) => pattern.test(arg))) {
      kept.push(arg)
      continue
    }
    // `-p` alone is `--print` of the next argument; `--print` without `=` likewise.
    if (TAKES_VALUE.has(arg) && i + 1 < execArgv.length) i++
  }
  return kept
}
