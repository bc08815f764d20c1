// What ab-kernel.mjs and ab-queue.mjs share: building a package at a revision, the
// promise-mailbox baseline, CPU timing, and the alternated rounds with their medians.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'tsup'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Bundle `packages/<pkg>/src` at git revision `rev` (or the work tree, `WORK`) into one ES
 * module under `work/<label>`, leaving `external` imports alone; returns its URL.
 */
export async function bundleAt({ pkg, rev, label, work, external = [] }) {
  let src = join(root, 'packages', pkg, 'src')
  if (rev !== 'WORK') {
    const dir = join(work, label)
    mkdirSync(dir, { recursive: true })
    const tar = execFileSync('git', ['-C', root, 'archive', rev, `packages/${pkg}/src`])
    execFileSync('tar', ['-x', '-C', dir], { input: tar })
    src = join(dir, 'packages', pkg, 'src')
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
    external,
    tsconfig: join(root, 'packages', pkg, 'tsconfig.json'),
  })
  return pathToFileURL(join(outDir, 'index.js')).href
}

/** The rows' one-slot promise mailbox: a stored value or a waiting resolver. */
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

/** Two async functions pass n messages back and forth through two promise mailboxes. */
export async function promisePingPong(n) {
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

export const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1]

/** Nanoseconds of this process's CPU time per item. */
async function cpu(fn, n) {
  const start = process.cpuUsage()
  await fn(n)
  const used = process.cpuUsage(start)
  return ((used.user + used.system) * 1000) / n
}

/**
 * Run each of `fns` once at n/10 (warm-up), then `AB_ROUNDS` (default 15) rounds of all of
 * them at `n`; returns each one's CPU ns per item, round by round. With `AB_RAW` set, prints
 * them too.
 *
 * Discussion: odd rounds run in the reverse order. Whoever runs right after another inherits
 * its garbage, and a fixed order would charge that to the same side every time.
 */
export async function alternatedRounds(fns, n) {
  for (const fn of fns) await fn(n / 10)
  const times = fns.map(() => [])
  const rounds = Number(process.env.AB_ROUNDS ?? 15)
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < fns.length; k++) {
      const i = round % 2 === 0 ? k : fns.length - 1 - k
      times[i].push(await cpu(fns[i], n))
    }
  }
  if (process.env.AB_RAW) console.log(times.map((t) => t.map((x) => x.toFixed(0)).join(' ')).join('\n'))
  return times
}

/** Median over rounds of `times[i]`'s speed against `times[base]` (> 1: faster). */
export function speedVs(times, i, base) {
  return median(times[i].map((t, r) => times[base][r] / t)).toFixed(2)
}
