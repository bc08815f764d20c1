import { CancelledError, run as kernelRun, sleep, TaskTimeout, timeoutAfter } from '@curio/kernel'
import {
  CalledProcessError,
  CompletedProcess,
  checkOutput,
  run,
  STDOUT,
  SubprocessError,
  TimeoutExpired,
} from '@curio/subprocess'
import { describe, expect, it } from 'vitest'

describe('run', () => {
  it('returns a CompletedProcess with the captured output', async () => {
    const done = await kernelRun(run(['sh', '-c', 'echo out; echo err >&2; exit 3'], { captureOutput: true }))
    expect(done).toBeInstanceOf(CompletedProcess)
    expect(done.args).toEqual(['sh', '-c', 'echo out; echo err >&2; exit 3'])
    expect(done.returncode).toBe(3)
    expect(done.stdout!.toString()).toBe('out\n')
    expect(done.stderr!.toString()).toBe('err\n')
    expect(() => done.checkReturncode()).toThrow(CalledProcessError)
  })

  it('leaves output uncaptured (null) unless asked', async () => {
    const done = await kernelRun(run(['true']))
    expect(done.returncode).toBe(0)
    expect(done.stdout).toBeNull()
    expect(done.stderr).toBeNull()
  })

  it('feeds input to the child', async () => {
    const done = await kernelRun(run(['tr', 'a-z', 'A-Z'], { input: 'shout', captureOutput: true }))
    expect(done.stdout!.toString()).toBe('SHOUT')
  })

  it('input the child never reads is not an error (the broken pipe is ignored)', async () => {
    const done = await kernelRun(run(['sh', '-c', 'exit 4'], { input: Buffer.alloc(8 * 1024 * 1024) }))
    expect(done.returncode).toBe(4)
  })

  it('with check, throws CalledProcessError naming the command and the status', async () => {
    const error = await kernelRun(
      run(['sh', '-c', 'echo partial; exit 2'], { check: true, captureOutput: true }),
    ).catch((e) => e)
    expect(error).toBeInstanceOf(CalledProcessError)
    expect(error).toBeInstanceOf(SubprocessError)
    expect(error.cmd).toEqual(['sh', '-c', 'echo partial; exit 2'])
    expect(error.returncode).toBe(2)
    expect(error.signal).toBeNull()
    expect(error.stdout.toString()).toBe('partial\n')
    expect(error.message).toBe(`command "sh -c 'echo partial; exit 2'" returned non-zero exit status 2`)
  })

  it('with check, a signalled child gives CalledProcessError with the signal', async () => {
    const error = await kernelRun(run(['sh', '-c', 'kill -KILL $$'], { check: true })).catch((e) => e)
    expect(error).toBeInstanceOf(CalledProcessError)
    expect(error.returncode).toBe(-9)
    expect(error.signal).toBe('SIGKILL')
    expect(error.message).toBe(`command "sh -c 'kill -KILL $$'" died with SIGKILL`)
  })

  it('runs a shell command line with shell: true', async () => {
    const out = await kernelRun(checkOutput(['echo $((6 * 7)) | tr 4 x'], { shell: true }))
    expect(out.toString()).toBe('x2\n')
  })

  it('throws ENOENT naming a program that does not exist', async () => {
    const error = await kernelRun(
      run(['curio-no-such-program', 'arg'], { input: 'x', captureOutput: true }),
    ).catch((e) => e)
    expect(error.code).toBe('ENOENT')
    expect(error.message).toContain('curio-no-such-program')
  })

  it('timeout: TimeoutExpired with the output so far; the child is killed and reaped', async () => {
    const script = 'echo started; printf e >&2; exec sleep 10'
    const error = await kernelRun(run(['sh', '-c', script], { timeout: 300, captureOutput: true })).catch(
      (e) => e,
    )
    expect(error).toBeInstanceOf(TimeoutExpired)
    expect(error.timeout).toBe(300)
    expect(error.cmd).toEqual(['sh', '-c', script])
    expect(error.cause).toBeInstanceOf(TaskTimeout)
    expect(error.stdout.toString()).toBe('started\n')
    expect(error.stderr.toString()).toBe('e')
    expect(error.message).toContain('timed out after 300 ms')
  })

  it('an enclosing timeoutAfter still gives TaskTimeout', async () => {
    const error = await kernelRun(timeoutAfter(100, run(['sleep', '10'], { timeout: 5000 }))).catch((e) => e)
    expect(error).toBeInstanceOf(TaskTimeout)
  })

  it('a process wait holds the virtual clock: time does not jump past a running child', async () => {
    const done = await kernelRun(timeoutAfter(50, run(['sleep', '0.2'])), { clock: 'virtual' })
    expect(done.returncode).toBe(0)
  })

  it('on the virtual clock, run with a timeout finishes at once when nothing external is pending', async () => {
    const done = await kernelRun(
      function* () {
        const first = yield* run(['true'], { timeout: 10 })
        yield* sleep(60_000) // the child is reaped: virtual time jumps
        return first
      },
      { clock: 'virtual' },
    )
    expect(done.returncode).toBe(0)
  })

  it('checkOutput returns stdout, merges stderr with STDOUT, and checks', async () => {
    // Two pipes read into one stream: each chunk whole, in the order read (see popen.test.ts).
    const merged = await kernelRun(checkOutput(['sh', '-c', 'echo a; echo b >&2'], { stderr: STDOUT }))
    expect(merged.toString().split('\n').sort()).toEqual(['', 'a', 'b'])
    const error = await kernelRun(checkOutput(['false'])).catch((e) => e)
    expect(error).toBeInstanceOf(CalledProcessError)
    expect(error.returncode).toBe(1)
    expect(error.stdout.length).toBe(0)
  })

  it('refuses input when stdin is not piped', async () => {
    const error = await kernelRun(run(['true'], { input: 'x', stdin: 'inherit' })).catch((e) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(error).not.toBeInstanceOf(CancelledError)
  })
})
