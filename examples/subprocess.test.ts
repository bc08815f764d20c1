// examples/subprocess.ts runs its three parts to the end and leaves nothing running.
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))

it('subprocess.ts: pipeline, timeout and streaming lines', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@curio/source', '--import', 'tsx', join(here, 'subprocess.ts')],
    { cwd: here, timeout: 30_000 },
  )
  const lines = stdout.trimEnd().split('\n')
  // 100000 - 9^5 (numbers up to 99999 without a 7); 100000 itself has none.
  expect(lines[0]).toBe('pipeline: 40951 numbers up to 100000 contain a 7 (exit 0, 0)')
  expect(lines[1]).toBe(
    'timeout: command "sh -c \'echo "working..."; sleep 30; echo done\'" timed out after 500 ms; it had printed "working...\\n"',
  )
  expect(lines.slice(2).map((l) => l.replace(/ \(\+\d+ ms\)$/, ''))).toEqual([
    'streaming: step 1',
    'streaming: step 2',
    'streaming: step 3',
    'streaming: child exited with 0',
  ])
})
