// stuck.ts is diagnosed and unstuck from the monitor, through the curio-monitor CLI, as
// docs/debugging.md shows: a real process, a real socket, the real CLI.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const cli = join(here, '..', 'packages', 'monitor', 'bin', 'curio-monitor.mjs')

/** Run the CLI with `input` on its stdin; resolve with what it printed. */
function monitorSays(port: number, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [cli, '-p', String(port)], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    )
    child.stdin!.end(input)
  })
}

function linesOf(child: ChildProcess): {
  text: () => string
  waitFor: (re: RegExp) => Promise<RegExpMatchArray>
} {
  let text = ''
  const waiters: (() => void)[] = []
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    text += chunk
    for (const w of waiters.splice(0)) w()
  })
  return {
    text: () => text,
    async waitFor(re) {
      for (;;) {
        const m = re.exec(text)
        if (m !== null) return m
        if (child.exitCode !== null) throw new Error(`exited before ${re}; printed ${text}`)
        await new Promise<void>((r) => waiters.push(r))
      }
    },
  }
}

it('a stuck program is found with ps and where, unstuck with cancel, and then exits', async () => {
  const child = spawn(
    process.execPath,
    ['--conditions=@curio/source', '--import', 'tsx', join(here, 'stuck.ts')],
    {
      cwd: here,
      env: { ...process.env, CURIO_DEBUG: '1', CURIO_MONITOR_PORT: '0', CURIO_MONITOR_WEB_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const exited = once(child, 'exit')
  try {
    const out = linesOf(child)
    const port = Number((await out.waitFor(/monitor on 127\.0\.0\.1:(\d+)/))[1])
    await out.waitFor(/stock: ok/)

    const ps = await monitorSays(port, 'ps\n')
    const handler = /^(\d+) +reportHandler +EVENT_WAIT +\d+ +- +(\S+)$/m.exec(ps)
    expect(handler, ps).not.toBeNull()
    expect(handler![2]).toBe('stuck.ts:26')
    expect(ps).toMatch(/^\d+ +fetch weather +READ_WAIT +\d+ +- +stuck\.ts:36$/m)
    expect(ps).toMatch(/^1 +main +TASK_JOIN +\d+ +- +stuck\.ts:53$/m)

    const where = await monitorSays(port, `where ${handler![1]}\n`)
    expect(where).toContain(`task ${handler![1]} (reportHandler) EVENT_WAIT\n  at stuck.ts:26\n`)

    const cancel = await monitorSays(port, `cancel ${handler![1]}\nquit\n`)
    expect(cancel).toContain(`cancelled task ${handler![1]} (reportHandler)\n`)
    expect(cancel).toMatch(/bye\n$/)

    // Unstuck: main prints every report and the process ends by itself, monitor and all.
    const [code] = await exited
    expect(code).toBe(0)
    expect(out.text()).toMatch(/sales: ok\nstock: ok\nweather: no answer\n$/)
  } finally {
    child.kill()
  }
})
