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
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { alternatedRounds, bundleAt, median, promisePingPong, speedVs } from './ab-common.mjs'

const [revA, revB = 'WORK', ...picked] = process.argv.slice(2)
if (revA === undefined) {
  console.error('usage: node bench/ab-kernel.mjs <rev-a> [<rev-b>|WORK] [workload...]')
  process.exit(2)
}

const work = mkdtempSync(join(tmpdir(), 'curio-ab-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))

const kernelAt = (rev, label) => bundleAt({ pkg: 'kernel', rev, label, work })

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
console.log(
  `A = ${revA}, B = ${revB}; CPU ns per item, medians of alternated rounds; (x) = speed vs promises`,
)
for (const name of picked.length > 0 ? picked : Object.keys(sizes)) {
  if (!(name in sizes))
    throw new Error(`unknown workload ${name}; workloads: ${Object.keys(sizes).join(', ')}`)
  const n = sizes[name]
  const times = await alternatedRounds([a[name], b[name], baselines[name]], n)
  const vsPromise = (i) => speedVs(times, i, 2)
  const bOverA = speedVs(times, 1, 0)
  console.log(
    `${name.padEnd(7)} A ${median(times[0]).toFixed(0)} ns (${vsPromise(0)}x)  B ${median(times[1]).toFixed(0)} ns (${vsPromise(1)}x)  promise ${median(times[2]).toFixed(0)} ns  B/A ${bOverA}`,
  )
}
