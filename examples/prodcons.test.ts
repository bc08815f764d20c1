// examples/prodcons.ts runs to the end: every job is handled or skipped, nothing is left.
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))

it('prodcons.ts accounts for all 12 jobs and ends with an empty queue', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@curio/source', '--import', 'tsx', join(here, 'prodcons.ts')],
    { cwd: here, timeout: 30_000 },
  )
  const lines = stdout.trimEnd().split('\n')
  const done = lines.filter((l) => / done in /.test(l)).length
  const skipped = lines.filter((l) => /skipped$/.test(l)).length
  expect(done + skipped).toBe(12)
  expect(lines.at(-1)).toBe(`handled ${done} of 12 jobs; queue empty: true`)
})
