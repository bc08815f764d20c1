// Every package works when installed alone from its packed tarball: packed with `pnpm pack`
// (which applies `publishConfig.exports`, dropping the `@curio/source` condition), installed
// by npm in a fresh project with nothing but its declared dependencies (the @curio ones as
// their own tarballs), then used from ESM, from CommonJS and from TypeScript (node16 and
// bundler resolution). publint and arethetypeswrong must pass on each tarball (the library
// behind @arethetypeswrong/cli, run in this process: one TypeScript load instead of one per
// package; no problem is ignored, as with the cli's default "strict" profile).
//
// Everything is packed and installed once, in beforeAll; the checks then read the results.
// Nothing comes from the registry: the packages' only dependencies are each other, and the
// type checks borrow the workspace's TypeScript and @types/node.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exec = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const packagesDir = join(root, 'packages')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
// The pinned pnpm that `npm test` puts in .tools/; else whatever pnpm is on the PATH.
const toolsPnpm = join(root, '.tools', 'node_modules', '.bin', 'pnpm')
const pnpm = existsSync(toolsPnpm) ? toolsPnpm : 'pnpm'
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_update_notifier: 'false' }

interface Manifest {
  name: string
  private?: boolean
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

interface Pkg {
  dir: string
  manifest: Manifest
  /** the temporary project it is installed into, named after the package directory */
  project: string
  tarball?: string
}

const pkgs: Pkg[] = readdirSync(packagesDir)
  .filter((d) => existsSync(join(packagesDir, d, 'package.json')))
  .map((d) => ({
    dir: d,
    manifest: JSON.parse(readFileSync(join(packagesDir, d, 'package.json'), 'utf8')) as Manifest,
    project: d,
  }))
  .filter((p) => !p.manifest.private)
const byName = new Map(pkgs.map((p) => [p.manifest.name, p]))

const curioDeps = (m: Manifest) =>
  Object.keys({ ...m.dependencies, ...m.peerDependencies }).filter((d) => byName.has(d))

/** The package and every @curio package it needs, directly or not. */
function closure(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen
  seen.add(name)
  for (const dep of curioDeps(byName.get(name)!.manifest)) closure(dep, seen)
  return seen
}

/** The runtime names a package's src/index.ts exports, following `export * from '@curio/x'`. */
function exportedValues(name: string): string[] {
  const text = readFileSync(join(packagesDir, byName.get(name)!.dir, 'src', 'index.ts'), 'utf8')
  const names = new Set<string>()
  for (const [, list] of text.matchAll(/^export\s+\{([^}]*)\}/gm))
    for (const item of list!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      if (!item.startsWith('type ')) names.add(item.split(/\s+as\s+/).pop()!)
  for (const [, ns] of text.matchAll(/^export\s+\*\s+as\s+(\w+)/gm)) names.add(ns!)
  for (const [, from] of text.matchAll(/^export\s+\*\s+from\s+['"](@curio\/[\w-]+)['"]/gm))
    for (const n of exportedValues(from!)) names.add(n)
  return [...names].sort()
}

/** The type-only names a package's src/index.ts exports (not following `export *`). */
function exportedTypes(name: string): string[] {
  const text = readFileSync(join(packagesDir, byName.get(name)!.dir, 'src', 'index.ts'), 'utf8')
  const names = new Set<string>()
  for (const [, list] of text.matchAll(/^export\s+type\s+\{([^}]*)\}/gm))
    for (const item of list!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      names.add(item.split(/\s+as\s+/).pop()!)
  return [...names].sort()
}

/**
 * A use of the package beyond "it loads", where one is cheap: `m` is the package, `k` the
 * kernel (from the package's own dependencies). Valid as JavaScript and as strict TypeScript.
 */
const kernelSmoke = `
  const r = await k.run(function* () {
    const t = yield* k.spawn(function* () {
      yield* k.sleep(5)
      return 21
    })
    return 2 * (yield* t.join())
  })
  if (r !== 42) throw new Error('run/spawn/join gave ' + r)`
const smoke: Record<string, string> = {
  '@curio/kernel': kernelSmoke,
  curio: kernelSmoke,
  '@curio/sync': `
  const ev = new m.Event()
  const r = await k.run(function* () {
    const t = yield* k.spawn(function* () {
      yield* ev.wait()
      return 'woken'
    })
    ev.set()
    return yield* t.join()
  })
  if (r !== 'woken') throw new Error('Event gave ' + r)`,
  '@curio/queue': `
  const q = new m.Queue()
  const r = await k.run(function* () {
    yield* k.spawn(function* () {
      for (const n of [1, 2, 3]) yield* q.put(n)
    })
    return [yield* q.get(), yield* q.get(), yield* q.get()].join()
  })
  if (r !== '1,2,3') throw new Error('Queue gave ' + r)`,
  // The worker entry is a plain .js file beside the bundle: found from ESM and from CJS alike.
  '@curio/workers': `
  const r = await k.run(function* () {
    return [yield* m.runInThread(() => 21 * 2), yield* m.runInProcess(() => 41 + 1)]
  })
  if (r.join() !== '42,42') throw new Error('runInThread/runInProcess gave ' + r)`,
  '@curio/subprocess': `
  const out = await k.run(m.checkOutput([process.execPath, '-e', 'process.stdout.write("hi")']))
  if (out.toString() !== 'hi') throw new Error('checkOutput gave ' + out)`,
}

function program(p: Pkg, format: 'esm' | 'cjs' | 'ts'): string {
  const name = p.manifest.name
  const kernel = name === '@curio/kernel' || name === 'curio' ? name : '@curio/kernel'
  const hasKernel = closure(name).has('@curio/kernel')
  const types = exportedTypes(name)
  const head =
    format === 'cjs'
      ? `const m = require('${name}')\n${hasKernel ? `const k = require('${kernel}')\n` : ''}`
      : `import * as m from '${name}'\n${hasKernel ? `import * as k from '${kernel}'\n` : ''}${
          format === 'ts' && types.length > 0 ? `import type { ${types.join(', ')} } from '${name}'\n` : ''
        }`
  const body = `
async function main() {
  console.log(JSON.stringify(Object.keys(m).sort()))
${hasKernel ? (smoke[name] ?? '') : ''}
}
main().then(
  () => console.log('ok'),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
`
  return head + body
}

/** Runs the jobs at most `n` at a time; the results come back in the jobs' order. */
function limit<T>(jobs: (() => Promise<T>)[], n = Math.max(2, availableParallelism())): Promise<T>[] {
  const slots = Array.from({ length: n }, () => Promise.resolve() as Promise<unknown>)
  return jobs.map((job, i) => {
    const result = slots[i % n]!.then(job)
    slots[i % n] = result.catch(() => {})
    return result
  })
}

/** Runs a command; resolves with its output and exit code instead of throwing on failure. */
async function sh(cmd: string, args: string[], cwd: string, timeout = 90_000) {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, env, timeout, maxBuffer: 16 << 20 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string }
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? e.message,
    }
  }
}

let work: string
const tsc: Record<'node16' | 'bundler', Promise<string>> = {} as never

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'curio-packed-'))
  const tarballs = join(work, 'tarballs')
  mkdirSync(tarballs)

  // Pack every package (pnpm rewrites workspace:^ to the version and applies publishConfig).
  await Promise.all(
    limit(
      pkgs.map((p) => async () => {
        const r = await sh(pnpm, ['pack', '--pack-destination', tarballs, '--json'], join(packagesDir, p.dir))
        if (r.code !== 0) throw new Error(`pnpm pack ${p.manifest.name} failed:\n${r.stderr}`)
        p.tarball = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).filename as string
      }),
    ),
  )

  // One project per package: the package and its @curio dependencies, all as tarballs (the
  // overrides make the transitive ones tarballs too, not registry look-ups).
  await Promise.all(
    limit(
      pkgs.map((p) => async () => {
        const dir = join(work, p.project)
        mkdirSync(dir)
        const needed = [...closure(p.manifest.name)]
        const file = (name: string) => `file:${byName.get(name)!.tarball}`
        const direct = [p.manifest.name, ...curioDeps(p.manifest)]
        writeFileSync(
          join(dir, 'package.json'),
          JSON.stringify({
            name: `packed-${p.dir}`,
            private: true,
            dependencies: Object.fromEntries(direct.map((n) => [n, file(n)])),
            overrides: Object.fromEntries(needed.map((n) => [n, file(n)])),
          }),
        )
        writeFileSync(join(dir, 'main.mjs'), program(p, 'esm'))
        writeFileSync(join(dir, 'main.cjs'), program(p, 'cjs'))
        for (const ext of ['mts', 'cts', 'ts']) writeFileSync(join(dir, `main.${ext}`), program(p, 'ts'))
        const r = await sh(
          'npm',
          ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
          dir,
        )
        if (r.code !== 0) throw new Error(`npm install of ${p.manifest.name} failed:\n${r.stderr}`)
      }),
    ),
  )

  // One TypeScript program per resolution mode covers every project; errors are told apart
  // by the project directory they name.
  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'ES2022',
    lib: ['ES2023'],
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
  }
  const tsconfigs = {
    node16: {
      compilerOptions: { ...compilerOptions, module: 'node16', moduleResolution: 'node16' },
      files: pkgs.flatMap((p) => [`${p.project}/main.mts`, `${p.project}/main.cts`]),
    },
    bundler: {
      // The declaration files were checked whole under node16 (bundler reads the same .d.ts);
      // skipping them here halves the time, most of which is @types/node.
      compilerOptions: {
        ...compilerOptions,
        module: 'esnext',
        moduleResolution: 'bundler',
        skipLibCheck: true,
      },
      files: pkgs.map((p) => `${p.project}/main.ts`),
    },
  }
  for (const mode of ['node16', 'bundler'] as const) {
    writeFileSync(join(work, `tsconfig.${mode}.json`), JSON.stringify(tsconfigs[mode]))
    tsc[mode] = sh(bin('tsc'), ['-p', `tsconfig.${mode}.json`, '--pretty', 'false'], work).then(
      (r) => r.stdout + r.stderr,
    )
  }
  // Settled here so a failure shows in the test that reads it, not as an unhandled rejection.
  await Promise.all([tsc.node16, tsc.bundler])
}, 180_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('the packed-install harness', () => {
  it('packed every package, and tsc complained only about named projects', async () => {
    expect(pkgs.length).toBeGreaterThan(0)
    for (const p of pkgs) expect(p.tarball, p.manifest.name).toBeDefined()
    for (const mode of ['node16', 'bundler'] as const) {
      const stray = (await tsc[mode])
        .split('\n')
        .filter((l) => l.trim() && !pkgs.some((p) => l.startsWith(`${p.project}/`)))
      // Lines of a multi-line diagnostic are indented; anything else means tsc itself failed.
      expect(
        stray.filter((l) => !l.startsWith(' ')),
        `tsc (${mode})`,
      ).toEqual([])
    }
  })
})

describe.each(pkgs.map((p) => [p.manifest.name, p] as const))('%s, packed', (name, p) => {
  it('installs alone: nothing but itself and its declared @curio dependencies', () => {
    const modules = join(work, p.project, 'node_modules')
    const installed = readdirSync(modules)
      .filter((d) => !d.startsWith('.'))
      .flatMap((d) => (d.startsWith('@') ? readdirSync(join(modules, d)).map((s) => `${d}/${s}`) : [d]))
    expect(installed.sort()).toEqual([...closure(name)].sort())
    // Published manifests point at dist only: the source condition is stripped.
    const manifest = readFileSync(join(modules, name, 'package.json'), 'utf8')
    expect(manifest).not.toContain('@curio/source')
  })

  it.each(['mjs', 'cjs'])('runs from %s and exports what src/index.ts exports', async (ext) => {
    const r = await sh(process.execPath, [`main.${ext}`], join(work, p.project), 30_000)
    expect(r.stderr, `node main.${ext}`).toBe('')
    const [keys, ok] = r.stdout.trim().split('\n')
    expect(JSON.parse(keys!)).toEqual(exportedValues(name))
    expect(ok).toBe('ok')
  })

  it.each(['node16', 'bundler'] as const)('type-checks with moduleResolution %s', async (mode) => {
    const errors = (await tsc[mode]).split('\n').filter((line) => line.startsWith(`${p.project}/`))
    expect(errors).toEqual([])
  })

  it('passes publint', async () => {
    const tarball = readFileSync(p.tarball!)
    const { messages, pkg } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: 'warning',
    })
    expect(messages.map((msg) => `${msg.type}: ${formatMessage(msg, pkg)}`)).toEqual([])
  })

  it('passes arethetypeswrong', async () => {
    const analysis = await checkPackage(
      createPackageFromTarballData(new Uint8Array(readFileSync(p.tarball!))),
    )
    expect(analysis.types, 'the package has types').not.toBe(false)
    if (analysis.types !== false) {
      expect(analysis.problems.map((problem) => `${problem.kind}: ${JSON.stringify(problem)}`)).toEqual([])
    }
  })
})
