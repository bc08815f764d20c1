/**
 * `pnpm bench [area...] [--impl=curio,...] [--row=ping,...] [--reps=N]`: run the named areas
 * (all when none is named) and print one table. Exits 0 even when a target is missed: the
 * table says MISS, and a benchmark on a shared machine is a report, not a gate.
 */
import { type Area, type RunSettings, runAreas } from './harness.js'

/** Every area, loaded only when selected. To add one: a `<name>.bench.ts` exporting `area`, and a line here. */
const areas: Record<string, () => Promise<{ area: Area }>> = {
  kernel: () => import('./kernel.bench.js'),
  'sync-queue': () => import('./sync-queue.bench.js'),
  subprocess: () => import('./subprocess.bench.js'),
  workers: () => import('./workers.bench.js'),
  echo: () => import('./echo.bench.js'),
  debug: () => import('./debug.bench.js'),
  channel: () => import('./channel.bench.js'),
}

function parse(argv: string[]): { names: string[]; settings: RunSettings } {
  const names: string[] = []
  const settings: RunSettings = { impls: [], rows: [], reps: 5, budgetMs: 1500 }
  for (const arg of argv) {
    const [flag, value = ''] = arg.split('=', 2)
    if (flag === '--impl') settings.impls = value.split(',')
    else if (flag === '--row') settings.rows = value.split(',')
    else if (flag === '--reps') settings.reps = Math.max(1, Number(value))
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`)
    else names.push(arg)
  }
  for (const name of names) {
    if (!(name in areas)) throw new Error(`unknown area ${name}; areas: ${Object.keys(areas).join(', ')}`)
  }
  return { names: names.length > 0 ? names : Object.keys(areas), settings }
}

const { names, settings } = parse(process.argv.slice(2))
const loaded = await Promise.all(names.map(async (name) => (await areas[name]!()).area))
const missed = await runAreas(loaded, settings)
console.log(missed === 0 ? 'all targets met' : `${missed} target(s) missed`)

// A row that left a pool, server or child behind would keep the process alive after the
// table: name what is left (for the row's owner to close), then exit anyway. A handle closed
// by the last row is released by Node a turn or two of the event loop after its 'close'
// callback; a few turns first, so only what was never closed is named.
for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve))
const left = (process as unknown as { _getActiveHandles(): object[] })
  ._getActiveHandles()
  .filter((h) => {
    const fd = (h as { fd?: number }).fd
    return fd === undefined || fd > 2 // not stdin, stdout, stderr
  })
  .map((h) => h.constructor.name)
if (left.length > 0) process.stderr.write(`bench: still open after the table: ${left.join(', ')}\n`)
process.exit(0)
