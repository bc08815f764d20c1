import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run as kernelRun, type Operation, sleep, spawn, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { checkOutput, PIPE, Popen, run, TimeoutExpired } from '@curio/subprocess'
import { afterAll, describe, expect, it } from 'vitest'
import { isAlive, NODE, psState } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'curio-subprocess-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Wait (bounded) until the child has written its pid to `file`. */
function* pidFrom(file: string): Operation<number> {
  for (let i = 0; i < 500; i++) {
    try {
      const text = readFileSync(file, 'utf8')
      if (text.endsWith('\n')) return Number(text)
    } catch {}
    yield* sleep(10)
  }
  throw new Error(`no pid in ${file}`)
}

function* firstLine(p: Popen): Operation<string> {
  return (yield* p.stdout!.readline()).toString().trim()
}

describe('no zombies, no orphans', () => {
  it('cancelling run kills the child and reaps it before the cancel returns', async () => {
    const file = join(dir, 'run.pid')
    await kernelRun(function* () {
      const task = yield* spawn(run(['sh', '-c', `echo $$ > ${file}; exec sleep 30`]))
      const pid = yield* pidFrom(file)
      expect(isAlive(pid)).toBe(true)
      yield* task.cancel()
      expect(psState(pid)).toBe('') // killed and reaped: not even a zombie
    })
  })

  it('cancelling checkOutput kills and reaps the child', async () => {
    const file = join(dir, 'check.pid')
    await kernelRun(function* () {
      const task = yield* spawn(checkOutput(['sh', '-c', `echo $$ > ${file}; exec sleep 30`]))
      const pid = yield* pidFrom(file)
      yield* task.cancel()
      expect(psState(pid)).toBe('')
    })
  })

  it('a timed-out communicate kills with SIGTERM and reaps', async () => {
    await kernelRun(function* () {
      const p = new Popen(['sh', '-c', 'echo ready; exec sleep 30'], { stdout: PIPE })
      expect(yield* firstLine(p)).toBe('ready')
      const error = yield* catchError(() => timeoutAfter(50, p.communicate()))
      expect(error).toBeInstanceOf(TaskTimeout)
      expect(p.returncode).toBe(-15)
      expect(psState(p.pid!)).toBe('')
    })
  })

  it('a child that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    await kernelRun(function* () {
      const script = 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'
      const p = new Popen([NODE, '-e', script], { stdout: PIPE })
      expect(yield* firstLine(p)).toBe('ready')
      const started = performance.now()
      const error = yield* catchError(() => timeoutAfter(50, p.communicate()))
      expect(error).toBeInstanceOf(TaskTimeout)
      expect(p.returncode).toBe(-9)
      expect(p.signal).toBe('SIGKILL')
      expect(performance.now() - started).toBeGreaterThanOrEqual(900)
      expect(psState(p.pid!)).toBe('')
    })
  })

  it('with startNewSession the whole process group is killed, grandchildren included', async () => {
    await kernelRun(function* () {
      // The grandchild ignores SIGTERM and outlives its parent: only the group kill ends it.
      const p = new Popen(['sh', '-c', '(trap "" TERM; exec sleep 30) & echo $!; wait'], {
        stdout: PIPE,
        startNewSession: true,
      })
      const grandchild = Number(yield* firstLine(p))
      expect(isAlive(grandchild)).toBe(true)
      const error = yield* catchError(() => timeoutAfter(50, p.communicate()))
      expect(error).toBeInstanceOf(TaskTimeout)
      expect(p.returncode).toBe(-15)
      expect(psState(p.pid!)).toBe('')
      for (let i = 0; i < 100 && isAlive(grandchild); i++) yield* sleep(10) // SIGKILL is asynchronous
      expect(isAlive(grandchild)).toBe(false)
    })
  })

  it("run's timeout reaps the child before TimeoutExpired propagates", async () => {
    const file = join(dir, 'timeout.pid')
    const error = await kernelRun(
      run(['sh', '-c', `echo $$ > ${file}; exec sleep 30`], { timeout: 200, captureOutput: true }),
    ).catch((e) => e)
    expect(error).toBeInstanceOf(TimeoutExpired)
    expect(psState(Number(readFileSync(file, 'utf8')))).toBe('')
  })
})

function* catchError(op: () => Operation<unknown>): Operation<unknown> {
  try {
    yield* op()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
