import { spawn as spawnProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'stdio-upper.ts')

function start(...args: string[]) {
  const child = spawnProcess(
    process.execPath,
    ['--conditions=@curio/source', '--import', 'tsx', fixture, ...args],
    {
      cwd: root,
    },
  )
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d
  })
  child.stderr.on('data', (d: Buffer) => {
    err += d
  })
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err })),
  )
  return { child, done }
}

describe('stdin, stdout, stderr', () => {
  it('a line-oriented program reads stdin to its end and writes stdout and stderr', async () => {
    const { child, done } = start()
    child.stdin.write('hello\nworld\n')
    child.stdin.end('last')
    expect(await done).toEqual({ code: 0, out: 'HELLO\nWORLD\nLAST', err: '3 lines\n' })
  })

  it('a program that has read what it wanted exits while stdin is still open', async () => {
    const { child, done } = start('one')
    child.stdin.write('just this\nand not this\n')
    // stdin is never ended: only a program that stops reading can exit.
    const result = await done
    child.stdin.destroy()
    expect(result).toEqual({ code: 0, out: 'JUST THIS\n', err: '' })
  })
})
