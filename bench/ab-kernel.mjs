#!/usr/bin/env node
// Before/after of the kernel in one process: builds @curio/kernel at two git revisions (or the
// work tree) and runs the same workloads on both and on plain promises, in alternated rounds.
//
//   node bench/ab-kernel.mjs <rev-a> [<rev-b>|WORK] [workload...]
//   node bench/ab-kernel.mjs HEAD~3                 # HEAD~3 against the work tree, every workload
//   node bench/ab-kernel.mjs main WORK hand sj10k   # two workloads
//   AB_RAW=1 node bench/ab-kernel.mjs ...            # also every round's figures
//   AB_ROUNDS=31 node bench/ab-kernel.mjs ...        # more rounds (default 15)
//
// Why not `pnpm bench` twice: the machine is shared, and two runs minutes apart see different
// load. Here both kernels run side by side, round after round, timed by the process's CPU time
// (time spent waiting for the other core does not count), and each figure is a median. The
// last column is B's speed over A's (> 1: B is faster).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'tsup'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const [revA, revB = 'WORK', ...picked] = process.argv.slice(2)
if (revA === undefined) {
  console.error('usage: node bench/ab-kernel.mjs <rev-a> [<rev-b>|WORK] [workload...]')
  process.exit(2)
}

const work = mkdtempSync(join(tmpdir(), 'curio-ab-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))

/** Bundle the kernel's sources at `rev` (or the work tree) into one ES module; returns its URL. */
async function kernelAt(rev, label) {
  let src = join(root, 'packages', 'kernel', 'src')
  if (rev !== 'WORK') {
    const dir = join(work, label)
    mkdirSync(dir, { recursive: true })
    const tar = execFileSync('git', ['-C', root, 'archive', rev, 'packages/kernel/src'])
    execFileSync('tar', ['-x', '-C', dir], { input: tar })
    src = join(dir, 'packages', 'kernel', 'src')
  }
  const outDir = join(work, `${label}-dist`)
  await build({
    entry: { index: join(src, 'index.ts') },
    format: ['esm'],
    outDir,
    target: 'node20',
    silent: true,
    dts: false,
    sourcemap: false,
    tsconfig: join(root, 'packages', 'kernel', 'tsconfig.json'),
  })
  return pathToFileURL(join(outDir, 'index.js')).href
}

class PromiseMailbox {
  value = undefined
  full = false
  taker = undefined
  put(v) {
    const t = this.taker
    if (t !== undefined) {
      this.taker = undefined
      t(v)
    } else {
      this.value = v
      this.full = true
    }
  }
  take() {
    if (this.full) {
      this.full = false
      return Promise.resolve(this.value)
    }
    return new Promise((resolve) => {
      this.taker = resolve
    })
  }
}

async function promisePingPong(n) {
  const a = new PromiseMailbox()
  const b = new PromiseMailbox()
  const pinger = async () => {
    for (let i = 0; i < n / 2; i++) {
      a.put(i)
      await b.take()
    }
  }
  const ponger = async () => {
    for (let i = 0; i < n / 2; i++) b.put(await a.take())
  }
  await Promise.all([pinger(), ponger()])
}

async function promiseChild(i) {
  return i
}

async function promiseSpawnJoin(n, batch) {
  for (let done = 0; done < n; done += batch) {
    const tasks = new Array(batch)
    for (let i = 0; i < batch; i++) tasks[i] = promiseChild(i)
    for (let i = 0; i < batch; i++) await tasks[i]
  }
}

async function promiseSwitches(n) {
  const yielder = async () => {
    for (let i = 0; i < 100; i++) await null
  }
  const tasks = []
  for (let i = 0; i < n / 100; i++) tasks.push(yielder())
  for (const t of tasks) await t
}

const baselines = {
  gen: promisePingPong,
  hand: promisePingPong,
  sj100k: (n) => promiseSpawnJoin(n, n),
  sj10k: (n) => promiseSpawnJoin(n, 10_000),
  sleep0: promiseSwitches,
}
const sizes = { gen: 200_000, hand: 200_000, sj100k: 100_000, sj10k: 100_000, sleep0: 1_000_000 }

const a = (await import('./ab-kernel-workloads.mjs?a')).workloads(await import(await kernelAt(revA, 'a')))
const b = (await import('./ab-kernel-workloads.mjs?b')).workloads(await import(await kernelAt(revB, 'b')))
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1]

/** Nanoseconds of this process's CPU time per item. */
async function cpu(fn, n) {
  const start = process.cpuUsage()
  await fn(n)
  const used = process.cpuUsage(start)
  return ((used.user + used.system) * 1000) / n
}

console.log(
  `A = ${revA}, B = ${revB}; CPU ns per item, medians of alternated rounds; (x) = speed vs promises`,
)
for (const name of picked.length > 0 ? picked : Object.keys(sizes)) {
  if (!(name in sizes))
    throw new Error(`unknown workload ${name}; workloads: ${Object.keys(sizes).join(', ')}`)
  const n = sizes[name]
  const fns = [a[name], b[name], baselines[name]]
  for (const fn of fns) await fn(n / 10)
  const times = [[], [], []]
  // Odd rounds run in the reverse order: whoever runs right after another kernel inherits its
  // garbage, and a fixed order would charge that to the same side every time.
  const rounds = Number(process.env.AB_ROUNDS ?? 15)
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < 3; k++) {
      const i = round % 2 === 0 ? k : 2 - k
      times[i].push(await cpu(fns[i], n))
    }
  }
  if (process.env.AB_RAW) console.log(times.map((t) => t.map((x) => x.toFixed(0)).join(' ')).join('\n'))
  const vsPromise = (i) => median(times[i].map((t, r) => times[2][r] / t)).toFixed(2)
  const bOverA = median(times[0].map((t, r) => t / times[1][r])).toFixed(2)
  console.log(
    `${name.padEnd(7)} A ${median(times[0]).toFixed(0)} ns (${vsPromise(0)}x)  B ${median(times[1]).toFixed(0)} ns (${vsPromise(1)}x)  promise ${median(times[2]).toFixed(0)} ns  B/A ${bOverA}`,
  )
}
