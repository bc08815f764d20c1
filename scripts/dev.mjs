#!/usr/bin/env node
// The README's entry point: `npm run demo` / `npm test` on a machine with only Node and npm.
// It brings the pinned pnpm into .tools/ (no global install, no corepack: both fail here),
// installs the workspace, then runs the task. Idempotent and quick when already set up.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1]
const toolsDir = join(root, '.tools')
const pnpmBin = join(toolsDir, 'node_modules', '.bin', 'pnpm')
// turbo looks for the package manager on PATH: a fresh machine has pnpm only in .tools/.
const env = {
  ...process.env,
  PATH: `${join(toolsDir, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
  TURBO_TELEMETRY_DISABLED: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...opts })
  if (r.error) throw r.error
  return r.status ?? 1
}

function installedPnpmVersion() {
  if (!existsSync(pnpmBin)) return undefined
  return JSON.parse(readFileSync(join(toolsDir, 'node_modules', 'pnpm', 'package.json'), 'utf8')).version
}

function ensurePnpm() {
  if (installedPnpmVersion() === pinned) return
  console.log(`[curio] installing pnpm@${pinned} into .tools/`)
  const status = sh(
    'npm',
    ['install', '--prefix', toolsDir, '--no-save', '--loglevel=error', `pnpm@${pinned}`],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  if (status !== 0) process.exit(status)
}

function pnpm(...args) {
  return sh(pnpmBin, args)
}

const tasks = {
  demo: () => pnpm('--filter', '@curio/examples', 'run', 'demo'),
  test: () => sh(process.execPath, [join(root, 'scripts', 'test.mjs')]),
  // `pnpm bench kernel --row=ping`: what follows the task name goes to the bench runner.
  // Benchmarks measure what users install: the built packages (dist/), not the TypeScript
  // sources through tsx, whose keep-names helper alone made some kernel objects 15x costlier.
  bench: () =>
    pnpm('exec', 'turbo', 'run', 'build', '--output-logs=errors-only') ||
    pnpm('--filter', '@curio/bench', 'run', 'bench', ...process.argv.slice(3)),
}

const task = process.argv[2]
if (!task || !(task in tasks)) {
  console.error(`usage: node scripts/dev.mjs ${Object.keys(tasks).join('|')}`)
  process.exit(2)
}
ensurePnpm()
const installed = pnpm('install', ...(process.env.CI ? ['--frozen-lockfile'] : []), '--reporter=silent')
if (installed !== 0) process.exit(installed)
process.exit(tasks[task]())
