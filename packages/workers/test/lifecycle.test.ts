// Whole programs in their own Node process: what the parent process sees from outside.
import { type ChildProcess, spawn as spawnProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { alive } from './helpers.js'

const workers = new URL('../src/index.ts', import.meta.url).href
const kernel = new URL('../../kernel/src/index.ts', import.meta.url).href
const cwd = fileURLToPath(new URL('..', import.meta.url))

/** `node -e SCRIPT` with the TypeScript sources loadable, as a user would run a one-liner. */
function nodeEval(script: string): ChildProcess {
  const prelude = `import { run } from '${kernel}'; import { runInThread, runInProcess, WorkerPool } from '${workers}';`
  return spawnProcess(
    process.execPath,
    ['--conditions=@curio/source', '--import', 'tsx', '--input-type=module', '-e', prelude + script],
    { cwd, stdio: ['ignore', 'pipe', 'inherit'] },
  )
}

function output(
  child: ChildProcess,
): Promise<{ stdout: string; code: number | null; signal: string | null }> {
  let stdout = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ stdout, code, signal })))
}

it('a program started with node -e runs once, not once per worker, and exits by itself', async () => {
  const child = nodeEval(`
    console.log('script ran')
    const out = await run(function* () {
      const a = yield* runInThread((x) => x * 2, 21)
      const b = yield* runInProcess((x) => x + 1, 41)
      return [a, b]
    })
    console.log(out.join(' '))
  `)
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  const { stdout, code, signal } = await output(child)
  clearTimeout(timer)
  expect(signal).toBeNull()
  expect(code).toBe(0)
  expect(stdout.trim().split('\n')).toEqual(['script ran', '42 42'])
})

it('close() keeps the program alive until idle workers are gone, then it exits', async () => {
  const child = nodeEval(`
    for (const kind of ['thread', 'process']) {
      const pool = new WorkerPool({ kind, size: 1 })
      await run(pool.run(() => 1))
      await pool.close()
      console.log(kind, 'closed')
    }
  `)
  const { stdout, code } = await output(child)
  expect(stdout.trim().split('\n')).toEqual(['thread closed', 'process closed'])
  expect(code).toBe(0)
})

it('a process worker exits when its parent goes away', async () => {
  const child = nodeEval(`
    await run(function* () {
      console.log(yield* runInProcess(() => process.pid))
    })
    setInterval(() => {}, 1000) // stay alive until killed
  `)
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => resolve(Number(String(chunk).trim())))
    child.on('close', () => reject(new Error('the parent ended early')))
  })
  expect(alive(pid)).toBe(true)
  child.kill('SIGKILL')
  const deadline = Date.now() + 10_000
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  expect(alive(pid)).toBe(false)
})
