/**
 * The benchmark harness: timing, repetition, heap probes, targets and the one table.
 *
 * A row measures the same work done by several implementations, side by side in one
 * process. The first implementation of a row is the subject (curio); every other one is a
 * baseline, and the table shows the subject's ratio to each. Areas (`*.bench.ts`) only
 * declare rows; this file does the rest.
 */
import { availableParallelism, loadavg } from 'node:os'

/**
 * One implementation of a row's work for `n` items. For a `time` row the harness times the
 * whole call (resolve when the work is done); for a `heap` row it returns the bytes measured
 * with `heapMark` / `heapSince`.
 */
export type Impl = (n: number) => Promise<unknown>

/**
 * An implementation that is too slow for the row's `n` within the time budget runs at its
 * own, smaller `n`. Per-item figures are compared, which favours a baseline whose cost per
 * item grows with `n`, never the subject.
 */
export interface SizedImpl {
  n: number
  run: Impl
}

/** What the table reports the subject against. */
export type Target =
  /** Subject ops/s ÷ baseline ops/s must be at least `min` (time rows). */
  | { vs: string; min: number; stretch?: number }
  /** Subject bytes per item must be at most `max` (heap rows). */
  | { max: number; stretch?: number }

/** A benchmark: the same work for every implementation, measured side by side. */
export interface Row {
  /** What is measured, e.g. `spawn+join`. */
  name: string
  /** Items per run (tasks, messages, switches...). */
  n: number
  /** What one item is, for the table (`task`, `msg`, `switch`). */
  unit: string
  /** `time` (default): ops/s and ns/op. `heap`: bytes per item, from the impl's return value. */
  kind?: 'time' | 'heap'
  /** The subject first (its key names it, e.g. `curio`), then the baselines. */
  impls: Record<string, Impl | SizedImpl>
  targets?: Target[]
  /**
   * Also measure the subject at a smaller `n`; its per-item cost at the full `n` must be at
   * most `max` times the one at the smaller `n` (catches anything quadratic).
   */
  scaling?: { n: number; max: number }
  /** Repetitions after the warm-up, when fewer than the command line's are enough (heap rows). */
  reps?: number
  /** Note printed under the table, e.g. which baseline primitive was chosen and why. */
  note?: string
  /** Called once the row is measured: stop the helper processes or servers its impls started. */
  teardown?: () => Promise<void>
}

/** An area of the bench suite: a file of rows, selected on the command line by `name`. */
export interface Area {
  name: string
  rows: Row[]
}

/** Options from the command line. */
export interface RunSettings {
  /** Only these implementations (e.g. `curio` for profiling); all when empty. */
  impls: string[]
  /** Only rows whose name contains one of these; all when empty. */
  rows: string[]
  /** Rounds after a warm-up; each implementation keeps the median of its rounds. */
  reps: number
  /** Stop repeating an implementation once its repetitions took this long (ms). */
  budgetMs: number
}

interface Measured {
  impl: string
  n: number
  /** Seconds per item (time rows) or bytes per item (heap rows): the median of its rounds. */
  perItem: number
  /** The same per round, by round number (undefined where it sat a round out, over budget). */
  rounds: (number | undefined)[]
}

declare const gc: (() => void) | undefined

/** Collect garbage and read the heap: call before creating what a heap row measures. */
export function heapMark(): number {
  fullGc()
  return process.memoryUsage().heapUsed
}

/** Bytes added to the heap since `mark`, after collecting garbage: call with the items alive. */
export function heapSince(mark: number): number {
  fullGc()
  return process.memoryUsage().heapUsed - mark
}

function fullGc(): void {
  if (typeof gc !== 'function') throw new Error('heap rows need node --expose-gc')
  // Two passes: the first may only queue finalizers and weak callbacks.
  gc()
  gc()
}

interface Runner {
  impl: string
  n: number
  fn: Impl
  /** Per round, by round number. */
  samples: (number | undefined)[]
  /** Milliseconds its timed runs took so far, against the budget. */
  spent: number
}

function runner(impl: string, entry: Impl | SizedImpl, n: number): Runner {
  const fn = typeof entry === 'function' ? entry : entry.run
  return { impl, n: typeof entry === 'function' ? n : entry.n, fn, samples: [], spent: 0 }
}

/**
 * Measure a row's implementations side by side: each first runs once at a tenth of its `n`
 * (warm-up: the JIT, one-time growth of pools), then the rounds go round the implementations
 * in turn, so a burst of load from the rest of the machine hits them alike. An implementation
 * sits later rounds out once its runs took the time budget. Each keeps the median of its
 * rounds; ratios are the median of per-round ratios (see `ratioOf`).
 */
async function measureAll(
  runners: Runner[],
  heap: boolean,
  reps: number,
  budgetMs: number,
): Promise<Measured[]> {
  // Discussion: one full GC before a row, never between its runs: what an earlier row left in
  // the old generation (100k tasks, Effection's structures) otherwise taxes this row's
  // first implementations more than its last (spawn+join of 10k read 0.08x after the 100k row,
  // 0.3x alone). The warm-up then regrows the young generation for every implementation.
  if (typeof gc === 'function') gc()
  for (const r of runners) await r.fn(Math.ceil(r.n / 10))
  for (let i = 0; i < reps; i++) {
    for (const r of runners) {
      if (i > 0 && r.spent > budgetMs) continue
      // Discussion: no gc() before a timed run. A forced full GC also shrinks the young
      // generation, so the next run pays extra scavenges while it grows back: that doubled
      // the time of allocation-heavy rows and barely touched the others.
      const start = performance.now()
      const bytes = await r.fn(r.n)
      const ms = performance.now() - start
      r.spent += ms
      r.samples[i] = heap ? Number(bytes) / r.n : ms / 1000 / r.n
    }
  }
  return runners.map((r) => {
    const taken = r.samples.filter((x): x is number => x !== undefined)
    return { impl: r.impl, n: r.n, perItem: median(taken), rounds: r.samples }
  })
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * The subject's ratio to a baseline. Time: its speed over theirs (> 1 = faster); heap: its
 * bytes over theirs (< 1 = smaller).
 *
 * Discussion: the median of the ratios of rounds both ran, not the ratio of two medians: the
 * machine is shared, and a burst of load that slows one round slows both sides of it alike,
 * so each round's ratio is steadier than either absolute figure.
 */
function ratioOf(subject: Measured, baseline: Measured, heap: boolean): number {
  const paired: number[] = []
  subject.rounds.forEach((s, i) => {
    const b = baseline.rounds[i]
    if (s !== undefined && b !== undefined) paired.push(heap ? s / b : b / s)
  })
  if (paired.length > 0) return median(paired)
  return heap ? subject.perItem / baseline.perItem : baseline.perItem / subject.perItem
}

// ---- formatting ----------------------------------------------------------------------------

function si(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`
  return x.toFixed(0)
}

function count(n: number): string {
  return n % 1000 === 0 ? `${n / 1000}k` : String(n)
}

function ratio(x: number): string {
  return x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`
}

/** Higher is better for time rows (ops/s ratio); lower is better for heap rows (bytes ratio). */
function verdict(value: number, goal: number, stretch: number | undefined, higherIsBetter: boolean): string {
  const meets = (g: number) => (higherIsBetter ? value >= g : value <= g)
  if (stretch !== undefined && meets(stretch)) return 'ok (stretch)'
  return meets(goal) ? 'ok' : 'MISS'
}

function targetText(goal: number, stretch: number | undefined, op: string, unit = 'x'): string {
  const num = (x: number) => String(Number(x.toPrecision(3)))
  return `${op} ${num(goal)}${unit}${stretch !== undefined ? ` (stretch ${num(stretch)}${unit})` : ''}`
}

type Line = [string, string, string, string, string, string, string, string]
const HEADER: Line = ['benchmark', 'impl', 'n', 'ops/s', 'per op', 'curio ÷ impl', 'target', 'verdict']
const VERDICT = 7

function rowLines(row: Row, results: Measured[], small: Measured | undefined): Line[] {
  const heap = row.kind === 'heap'
  const subject = results[0]!
  const title = `${row.name} (per ${row.unit})`
  const lines: Line[] = []
  for (const m of results) {
    const isSubject = m === subject
    let ratioText = ''
    let target = ''
    let ok = ''
    if (!isSubject) {
      // Time: speed ratio, curio ops/s ÷ theirs (>1 = curio faster). Heap: bytes ratio (<1 = curio smaller).
      const r = ratioOf(subject, m, heap)
      ratioText = heap ? `${ratio(r)} bytes` : `${ratio(r)} speed`
      const t = row.targets?.find((x) => 'vs' in x && x.vs === m.impl)
      if (t !== undefined && 'vs' in t) {
        target = targetText(t.min, t.stretch, '>=')
        ok = verdict(r, t.min, t.stretch, true)
      }
    } else {
      const t = row.targets?.find((x) => 'max' in x)
      if (t !== undefined && 'max' in t) {
        target = targetText(t.max, t.stretch, '<=', ' B')
        ok = verdict(m.perItem, t.max, t.stretch, false)
      }
    }
    lines.push([
      isSubject ? title : '',
      m.impl,
      count(m.n),
      heap ? '' : `${si(1 / m.perItem)}/s`,
      heap ? `${m.perItem.toFixed(0)} B/${row.unit}` : `${(m.perItem * 1e9).toFixed(0)} ns`,
      ratioText,
      target,
      ok,
    ])
  }
  if (small !== undefined && row.scaling !== undefined) {
    const growth = subject.perItem / small.perItem
    lines.push([
      '',
      small.impl,
      count(small.n),
      heap ? '' : `${si(1 / small.perItem)}/s`,
      heap ? `${small.perItem.toFixed(0)} B/${row.unit}` : `${(small.perItem * 1e9).toFixed(0)} ns`,
      `${ratio(growth)} vs ${count(subject.n)}`,
      `${count(subject.n)} <= ${row.scaling.max}x`,
      growth <= row.scaling.max ? 'ok' : 'MISS',
    ])
  }
  return lines
}

function printTable(lines: Line[][], notes: string[]): void {
  const all = [HEADER, ...lines.flat()]
  const widths = HEADER.map((_, c) => Math.max(...all.map((l) => l[c]!.length)))
  const fmt = (l: Line) =>
    l
      .map((cell, c) => (c >= 2 && c <= 5 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  console.log(fmt(HEADER))
  console.log(rule)
  lines.forEach((group, i) => {
    if (i > 0) console.log('')
    for (const l of group) console.log(fmt(l))
  })
  console.log(rule)
  for (const note of notes) console.log(`- ${note}`)
}

/** Run the rows of the given areas and print one table; returns how many targets were missed. */
export async function runAreas(areas: Area[], settings: RunSettings): Promise<number> {
  const groups: Line[][] = []
  const notes: string[] = []
  const started = performance.now()
  for (const area of areas) {
    for (const row of area.rows) {
      if (settings.rows.length > 0 && !settings.rows.some((r) => row.name.includes(r))) continue
      const names = Object.keys(row.impls).filter(
        (k) => settings.impls.length === 0 || settings.impls.includes(k),
      )
      if (names.length === 0) continue
      const heap = row.kind === 'heap'
      const runners = names.map((impl) => runner(impl, row.impls[impl]!, row.n))
      process.stderr.write(
        `  ${area.name}: ${row.name}: ${runners.map((r) => `${r.impl} n=${count(r.n)}`).join(', ')}\n`,
      )
      const reps = Math.min(settings.reps, row.reps ?? settings.reps)
      const results = await measureAll(runners, heap, reps, settings.budgetMs)
      let small: Measured | undefined
      const subject = Object.keys(row.impls)[0]!
      if (row.scaling !== undefined && names[0] === subject) {
        const r = runner(subject, row.impls[subject]!, row.scaling.n)
        r.n = row.scaling.n
        process.stderr.write(`  ${area.name}: ${row.name}: ${subject} n=${count(r.n)}\n`)
        // Smaller runs are noisier: more of them.
        small = (await measureAll([r], heap, reps * 3, settings.budgetMs))[0]
      }
      await row.teardown?.()
      process.stderr.write(
        `  ${area.name}: ${row.name}: done at ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      )
      groups.push(rowLines(row, results, small))
      if (row.note !== undefined) notes.push(`${row.name}: ${row.note}`)
    }
  }
  console.log('')
  printTable(groups, notes)
  console.log(
    `(node ${process.version}, ${((performance.now() - started) / 1000).toFixed(1)} s, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores; medians of up to ${settings.reps} alternated rounds after a warm-up; ratios: median of per-round ratios)`,
  )
  return groups.flat().filter((l) => l[VERDICT] === 'MISS').length
}
