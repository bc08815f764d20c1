#!/usr/bin/env node
// Self time by function from .cpuprofile files (node --cpu-prof), heaviest first:
//   node bench/self-time.mjs /tmp/prof/*.cpuprofile [--top=25]
// Several files (tsx runs its loader in a second thread) are added up; the loader's frames
// idle time and V8's (program) are left out, so what remains is the benchmark's own work and the GC.
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 25)
const files = args.filter((a) => !a.startsWith('--'))
if (files.length === 0) {
  console.error('usage: node bench/self-time.mjs <file.cpuprofile>... [--top=N]')
  process.exit(2)
}

const skipped = /node:internal\/modules|node:internal\/(main|process|bootstrap|worker)|\/tsx\/|esbuild/
const self = new Map()
let total = 0
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  // A sample is loading when any frame under it is the loader's (native reads included).
  const loading = (id) => {
    for (let at = id; at !== undefined; at = parent.get(at))
      if (skipped.test(nodes.get(at).callFrame.url)) return true
    return false
  }
  profile.samples.forEach((id, i) => {
    const { functionName, url } = nodes.get(id).callFrame
    const name = functionName || '(anonymous)'
    if (name === '(idle)' || name === '(program)' || loading(id)) return
    const where = url.replace(/^.*\/(node_modules|packages|src)\//, '')
    const key = where ? `${name}  ${where}` : name
    const us = profile.timeDeltas[i] ?? 0
    self.set(key, (self.get(key) ?? 0) + us)
    total += us
  })
}
console.log(`${(total / 1000).toFixed(0)} ms of samples (idle, (program) and module loading left out)`)
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`,
  )
}
