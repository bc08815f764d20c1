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
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'tsup'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const [revA, revB = 'WORK', ...picked] = process.argv.slice(2)
if (revA === undefined) {
  console.error('usage: node bench/ab-queue.mjs <rev-a> [<rev-b>|WORK] [workload...]')
  process.exit(2)
}

// Under bench/, so that the bundles' `import '@curio/kernel'` finds bench/node_modules: both
// queues and the workloads then share one kernel module.
const work = mkdtempSync(join(here, '.ab-queue-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))

/** Bundle the queue's sources at `rev` (or the work tree) into one ES module; returns its URL. */
async function queueAt(rev, label) {
  let src = join(root, 'packages', 'queue', 'src')
  if (rev !== 'WORK') {
    const dir = join(work, label)
    mkdirSync(dir, { recursive: true })
    const tar = execFileSync('git', ['-C', root, 'archive', rev, 'packages/queue/src'])
    execFileSync('tar', ['-x', '-C', dir], { input: tar })
    src = join(dir, 'packages', 'queue', 'src')
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
    external: ['@curio/kernel'],
    tsconfig: join(root, 'packages', 'queue', 'tsconfig.json'),
  })
  return pathToFileURL(join(outDir, 'index.js')).href
}

const curio = await import('@curio/kernel')
const { MUST_WAIT, WaitQueue } = curio

/** The kernel area's hand-over mailbox: `wake(1, v)` + `suspend(state, attempt)`. */
class HandOver {
  value = undefined
  full = false
  takers = new WaitQueue()
  attempt = () => {
    if (!this.full) return MUST_WAIT
    this.full = false
    return this.value
  }
  put(v) {
    if (this.takers.wake(1, v) === 0) {
      this.value = v
      this.full = true
    }
  }
  take() {
    return this.takers.suspend('MAILBOX', this.attempt)
  }
}

function* handPinger(a, b, n) {
  for (let i = 0; i < n; i++) {
    a.put(i)
    yield* b.take()
  }
}

function* handPonger(a, b, n) {
  for (let i = 0; i < n; i++) b.put(yield* a.take())
}

function* handPingPong(n) {
  const a = new HandOver()
  const b = new HandOver()
  const t1 = yield* curio.spawn(handPinger(a, b, n / 2))
  const t2 = yield* curio.spawn(handPonger(a, b, n / 2))
  yield* t1.join()
  yield* t2.join()
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
  const p1 = async () => {
    for (let i = 0; i < n / 2; i++) {
      a.put(i)
      await b.take()
    }
  }
  const p2 = async () => {
    for (let i = 0; i < n / 2; i++) b.put(await a.take())
  }
  await Promise.all([p1(), p2()])
}

const sizes = { pp: 200_000, pp1: 200_000, burst: 200_000, burst1k: 200_000, pc1: 200_000 }

const queueA = await import(await queueAt(revA, 'a'))
const queueB = await import(await queueAt(revB, 'b'))
// Each queue and workload gets its own instance of the workloads module: a function shared by
// both queues, or by a bounded and an unbounded run, would see all their objects, and V8 would
// tune it for none of them.
const workloadOf = async (label, queue, name) =>
  (await import(`./ab-queue-workloads.mjs?${label}-${name}`)).workloads(queue)[name]
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1]

/** Nanoseconds of this process's CPU time per item. */
async function cpu(fn, n) {
  const start = process.cpuUsage()
  await fn(n)
  const used = process.cpuUsage(start)
  return ((used.user + used.system) * 1000) / n
}

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
    (n) => curio.run(handPingPong(n)),
    promisePingPong,
  ]
  for (const fn of fns) await fn(n / 10)
  const times = fns.map(() => [])
  // Odd rounds run in the reverse order, as in ab-kernel.mjs: whoever runs right after another
  // inherits its garbage, and a fixed order would charge that to the same side every time.
  const rounds = Number(process.env.AB_ROUNDS ?? 15)
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < fns.length; k++) {
      const i = round % 2 === 0 ? k : fns.length - 1 - k
      times[i].push(await cpu(fns[i], n))
    }
  }
  if (process.env.AB_RAW) console.log(times.map((t) => t.map((x) => x.toFixed(0)).join(' ')).join('\n'))
  const vsPromise = (i) => median(times[i].map((t, r) => times[3][r] / t)).toFixed(2)
  const bOverA = median(times[0].map((t, r) => t / times[1][r])).toFixed(2)
  console.log(
    `${name.padEnd(7)} A ${median(times[0]).toFixed(0)} ns (${vsPromise(0)}x)  B ${median(times[1]).toFixed(0)} ns (${vsPromise(1)}x)  ` +
      `hand-over mailbox ${median(times[2]).toFixed(0)} ns (${vsPromise(2)}x)  promise mailbox ${median(times[3]).toFixed(0)} ns  B/A ${bOverA}`,
  )
}
