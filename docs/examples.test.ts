// Docs never rot: every example under docs/examples/ that ends with an `// Output:` block is
// run as its own program and must print exactly that; every `<!-- example: NAME -->` marker
// in a docs page must be followed by that file's text, verbatim.
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const docsDir = dirname(fileURLToPath(import.meta.url))
const examplesDir = join(docsDir, 'examples')
const run = promisify(execFile)

function expectedOutput(source: string): string[] | undefined {
  const at = source.lastIndexOf('\n// Output:\n')
  if (at < 0) return undefined
  return source
    .slice(at + '\n// Output:\n'.length)
    .trimEnd()
    .split('\n')
    .map((line) => line.replace(/^\/\/ ?/, ''))
}

const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((file) => ({ file, expected: expectedOutput(readFileSync(join(examplesDir, file), 'utf8')) }))
  .filter((e): e is { file: string; expected: string[] } => e.expected !== undefined)

describe('docs examples print what the docs say', () => {
  it.concurrent.each(examples)('$file', async ({ file, expected }) => {
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@curio/source', '--import', 'tsx', join(examplesDir, file)],
      { cwd: docsDir, timeout: 30_000 },
    )
    expect(stdout.trimEnd().split('\n')).toEqual(expected)
  })
})

const pages = readdirSync(docsDir).filter((f) => f.endsWith('.md'))
const marker = /<!-- example: ([\w.-]+) -->\n```ts\n([\s\S]*?)```/g

describe('docs pages show the examples verbatim', () => {
  it.each(pages)('%s', (page) => {
    const text = readFileSync(join(docsDir, page), 'utf8')
    for (const [, file, shown] of text.matchAll(marker)) {
      expect(shown, `${page} shows ${file}`).toBe(readFileSync(join(examplesDir, file!), 'utf8'))
    }
  })
})
