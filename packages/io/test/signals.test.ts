import { spawn as spawnProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SignalEvent, SignalQueue } from '../src/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'signals.ts')

describe('signals', () => {
  it('a curio program receives real SIGUSR1, SIGTERM and SIGINT, and leaves no listener behind', async () => {
    const child = spawnProcess(process.execPath, ['--conditions=@curio/source', '--import', 'tsx', fixture], {
      cwd: root,
    })
    // Were a line not to come, no signal would follow: fail fast rather than at the test timeout.
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const lines: string[] = []
    let partial = ''
    // Each signal is sent once the program has reported the line before it: no sleeps.
    const script: [string, NodeJS.Signals][] = [
      ['ready 1,1,1', 'SIGUSR1'],
      ['got SIGUSR1', 'SIGUSR1'],
      ['got SIGUSR1', 'SIGTERM'],
      ['queue closed: 1,0,0', 'SIGINT'],
    ]
    child.stdout.on('data', (d: Buffer) => {
      partial += d
      const parts = partial.split('\n')
      partial = parts.pop()!
      for (const line of parts) {
        lines.push(line)
        const next = script[0]
        if (next !== undefined && line === next[0]) {
          script.shift()
          child.kill(next[1])
        }
      }
    })
    let err = ''
    child.stderr.on('data', (d: Buffer) => {
      err += d
    })
    const code = await new Promise((resolve) => child.on('close', resolve))
    clearTimeout(guard)
    expect({ code, err, lines }).toEqual({
      code: 0,
      err: '',
      lines: [
        'after a task that did not close: 0,0,0',
        'ready 1,1,1',
        'got SIGUSR1',
        'got SIGUSR1',
        'got SIGTERM',
        'queue closed: 1,0,0',
        'event SIGINT',
        'after run: 0,0,0',
      ],
    })
  })

  it('unknown and uncatchable signals are refused at construction, leaving nothing installed', () => {
    expect(() => new SignalQueue('SIGNOPE' as NodeJS.Signals)).toThrow(TypeError)
    const before = process.listenerCount('SIGUSR2')
    expect(() => new SignalEvent('SIGUSR2', 'SIGKILL')).toThrow()
    expect(process.listenerCount('SIGUSR2')).toBe(before)
  })
})
