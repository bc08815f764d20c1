#!/usr/bin/env node
// Before/after of @curio/queue in one process: builds the queue package at two git revisions
// (or the work tree) against the same built kernel (packages/kernel/dist), and runs queue
// workloads on both, on the kernel's hand-over mailbox (the floor under any queue) and on
// plain promise mailboxes, in alternated rounds.
//
//   node bench/ab-queue.mjs <rev-a> [<rev-b>|WORK] [workload...]
//   node bench/ab-queue.mjs HEAD~2                  # HEAD~2 against the work tree, every workload
//   node bench/ab-queue.mjs main WORK pp             # one workload
//   workloads: pp, pp1 (ping-pong through two Queue(1)), burst, burst1k (Queue(1000)),
//   pc1 (a producer and a consumer through one Queue(1): both block in turn; ab-queue-workloads.mjs)
//   AB_RAW=1 node bench/ab-queue.mjs ...             # also every round's figures
//   AB_ROUNDS=31 node bench/ab-queue.mjs ...         # more rounds (default 15)
//
// Timed by the process's CPU time, medians of alternated rounds, like ab-kernel.mjs (which says
// why).
// Columns: CPU ns per message, (x) = speed against the promise mailbox (the sync-queue row's
// ratio), B/A = B's speed over A's (> 1: B is faster). Build the kernel first.
import { mkdtempSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { alternatedRounds, bundleAt, median, promisePingPong, speedVs } from './ab-common.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const [revA, revB = 'WORK', ...picked] = process.argv.slice(2)
if (revA === undefined) {
  console.error('usage: node bench/ab-queue.mjs <rev-a> [<rev-b>|WORK] [workload...]')
  process.exit(2)
}

// Under bench/, so that the bundles' `import '@curio/kernel'` finds bench/node_modules: both
// queues and the workloads then share one kernel module.
const work = mkdtempSync(join(here, '.ab-queue-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))

const queueAt = (rev, label) => bundleAt({ pkg: 'queue', rev, label, work, external: ['@curio/kernel'] })

const curio = await import('@curio/kernel')
// The kernel area's hand-over mailbox (`wake(1, v)` + `suspend(state, attempt)`), the floor under
// any queue, from ab-kernel's workloads in an instance of their own.
const handPingPong = (await import('./ab-kernel-workloads.mjs?queue')).workloads(curio).hand

const sizes = { pp: 200_000, pp1: 200_000, burst: 200_000, burst1k: 200_000, pc1: 200_000 }

const queueA = await import(await queueAt(revA, 'a'))
const queueB = await import(await queueAt(revB, 'b'))
// Each queue and workload gets its own instance of the workloads module: a function shared by
// both queues, or by a bounded and an unbounded run, would see all their objects, and V8 would
// tune it for none of them.
const workloadOf = async (label, queue, name) =>
  (await import(`./ab-queue-workloads.mjs?${label}-${name}`)).workloads(queue)[name]
console.log(
  `A = ${revA}, B = ${revB}; CPU ns per message, medians of alternated rounds; (x) = speed vs the promise mailbox`,
)
for (const name of picked.length > 0 ? picked : Object.keys(sizes)) {
  if (!(name in sizes))
    throw new Error(`unknown workload ${name}; workloads: ${Object.keys(sizes).join(', ')}`)
  const n = sizes[name]
  const fns = [
    await workloadOf('a', queueA, name),
    await workloadOf('b', queueB, name),
    handPingPong,
    promisePingPong,
  ]
  const times = await alternatedRounds(fns, n)
  const vsPromise = (i) => speedVs(times, i, 3)
  const bOverA = speedVs(times, 1, 0)
  console.log(
    `${name.padEnd(7)} A ${median(times[0]).toFixed(0)} ns (${vsPromise(0)}x)  B ${median(times[1]).toFixed(0)} ns (${vsPromise(1)}x)  ` +
      `hand-over mailbox ${median(times[2]).toFixed(0)} ns (${vsPromise(2)}x)  promise mailbox ${median(times[3]).toFixed(0)} ns  B/A ${bOverA}`,
  )
}
