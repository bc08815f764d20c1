#!/usr/bin/env node
// The whole suite: lint, typecheck, build every package, then vitest. Prints the closing
// `N passed, N failed` line CI reads, and keeps the failing step's exit code.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' }
const run = (label, cmd, args) => {
  console.log(`\n[curio] ${label}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env })
  if (r.error) throw r.error
  return r.status ?? 1
}

const steps = [
  ['lint (biome)', bin('biome'), ['ci', '--colors=off', '.']],
  ['typecheck (tsc)', bin('tsc'), ['-p', 'tsconfig.json']],
  ['build (turbo + tsup)', bin('turbo'), ['run', 'build', '--output-logs=errors-only']],
]
for (const [label, cmd, args] of steps) {
  const status = run(label, cmd, args)
  if (status !== 0) {
    console.log(`\n${label}: 0 passed, 1 failed`)
    process.exit(status)
  }
}

const outDir = join(root, '.test-results')
rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
const report = join(outDir, 'vitest.json')
const status = run('tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
])
let passed = 0
let failed = 0
let skipped = 0
try {
  const json = JSON.parse(readFileSync(report, 'utf8'))
  passed = json.numPassedTests
  failed = json.numFailedTests + (json.numFailedTestSuites ?? 0) * (json.numFailedTests === 0 ? 1 : 0)
  skipped = json.numPendingTests + json.numTodoTests
} catch {
  failed = Math.max(failed, 1)
}
console.log(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(status !== 0 ? status : failed > 0 ? 1 : 0)
