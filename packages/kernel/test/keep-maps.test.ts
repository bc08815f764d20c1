import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'curio-keep-maps-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Run `source` as a fresh Node program importing the kernel as `K`; resolves with its stdout. */
function program(source: string): Promise<string> {
  const file = join(dir, 'program.mts')
  writeFileSync(file, `import * as K from ${JSON.stringify(join(here, '..', 'src', 'index.ts'))}\n${source}`)
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file],
      { encoding: 'utf8', timeout: 15_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    )
  })
}

describe('exemplars kept at load (keep-maps.ts) are invisible', () => {
  it('the first task of a process is task 1, and no kernel lists or publishes an exemplar', async () => {
    const out = await program(`
      import { subscribe } from 'node:diagnostics_channel'
      const spawned: number[] = []
      subscribe('curio:task:spawn', (m) => spawned.push((m as { task: K.Task }).task.id))
      const kernel = new K.Kernel()
      const ids = await kernel.run(function* () {
        const child = yield* K.spawn(function* () {})
        const seen = kernel.tasks().map((t) => t.id)
        yield* child.join()
        return { main: (yield* K.currentTask()).id, child: child.id, seen }
      })
      await kernel.close()
      console.log(JSON.stringify({ ...ids, spawned }))
    `)
    expect(JSON.parse(out)).toEqual({ main: 1, child: 2, seen: [1, 2], spawned: [1, 2] })
  })
})
