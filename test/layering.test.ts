// Packages depend only downward: the kernel on nothing but Node, everything else on the
// kernel and the packages below it, and only through their public entry points.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const packagesDir = join(root, 'packages')

/** Who may depend on whom. A new package must be placed here deliberately. */
const allowed: Record<string, string[]> = {
  kernel: [],
  sync: ['kernel'],
  queue: ['kernel'],
  io: ['kernel', 'sync', 'queue'],
  subprocess: ['kernel', 'io', 'sync', 'queue'],
  workers: ['kernel', 'sync', 'queue'],
  monitor: ['kernel', 'io', 'sync', 'queue'],
  debug: ['kernel'],
  // The umbrella: one import for everything, so it sits on top of every other package.
  curio: ['kernel', 'sync', 'queue', 'io', 'subprocess', 'workers', 'monitor'],
}

const packages = readdirSync(packagesDir).filter((d) => existsSync(join(packagesDir, d, 'package.json')))

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : /\.(ts|js|cjs|mjs)$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  )
}

/** Comments go first: a TSDoc `@example` that imports a package is not an import. */
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')

const importPattern = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g

describe.each(packages)('@curio/%s', (name) => {
  const manifest = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8'))
  const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })
  const curioDeps = deps.filter((d) => d.startsWith('@curio/')).map((d) => d.slice('@curio/'.length))

  it('is placed in the layering table', () => {
    expect(Object.keys(allowed), `add ${name} to test/layering.test.ts deliberately`).toContain(name)
  })

  it('depends only on packages below it', () => {
    for (const dep of curioDeps) expect(allowed[name] ?? [], `@curio/${name} -> @curio/${dep}`).toContain(dep)
    if (name === 'kernel') expect(deps, 'the kernel depends on nothing but Node').toEqual([])
  })

  it('imports other packages only through their public entry, and only declared ones', () => {
    const srcDir = join(packagesDir, name, 'src')
    for (const file of sourceFiles(srcDir)) {
      const text = code(file)
      for (const [, spec] of text.matchAll(importPattern)) {
        const where = `${relative(root, file)} imports ${spec}`
        if (spec!.startsWith('.')) {
          const target = resolve(dirname(file), spec!)
          expect(target.startsWith(join(packagesDir, name)), `${where}: reaches outside the package`).toBe(
            true,
          )
        } else if (spec!.startsWith('@curio/')) {
          expect(spec!.split('/').length, `${where}: only the public entry`).toBe(2)
          expect(curioDeps, `${where}: not in dependencies`).toContain(spec!.split('/')[1])
        } else if (!spec!.startsWith('node:') && !builtinModules.includes(spec!)) {
          const pkg = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!
          expect(deps, `${where}: not in dependencies`).toContain(pkg)
        }
      }
    }
  })

  it('exposes only its public entry: no wildcard or internal subpaths, the same map when published', () => {
    const { exports, publishConfig } = manifest
    for (const key of Object.keys(exports ?? {})) {
      expect(key, `exports["${key}"]`).not.toMatch(/\*|internal|\/src\b|\/dist\b/)
    }
    // Publishing swaps in publishConfig.exports: it must be the same map minus the
    // `@curio/source` condition, or the installed package differs from the one tested here.
    const strip = (value: unknown): unknown =>
      value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([k]) => k !== '@curio/source')
              .map(([k, v]) => [k, strip(v)]),
          )
        : value
    expect(publishConfig?.exports, 'publishConfig.exports').toEqual(strip(exports))
  })

  it("is used elsewhere (tests, examples, docs, bench) only through other packages' public entries", () => {
    const elsewhere = [
      join(packagesDir, name, 'test'),
      ...['examples', 'docs/examples', 'bench/src'].map((d) => join(root, d)),
    ]
    for (const file of elsewhere.flatMap((dir) =>
      sourceFiles(dir).filter((f) => !f.includes('node_modules')),
    )) {
      const text = code(file)
      for (const [, spec] of text.matchAll(importPattern)) {
        const where = `${relative(root, file)} imports ${spec}`
        if (spec!.startsWith(`@curio/${name}/`))
          expect(spec, `${where}: only the public entry`).toBe(`@curio/${name}/package.json`)
        if (spec!.startsWith('.') && file.startsWith(join(packagesDir, name))) {
          expect(
            resolve(dirname(file), spec!).startsWith(join(packagesDir, name)),
            `${where}: reaches into another package`,
          ).toBe(true)
        }
      }
    }
  })
})
