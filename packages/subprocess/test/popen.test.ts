import { IncompleteRead } from '@curio/io'
import { run as kernelRun, type Operation, schedule, spawn } from '@curio/kernel'
import { DEVNULL, PIPE, Popen, STDOUT } from '@curio/subprocess'
import { describe, expect, it } from 'vitest'
import { NODE, psState } from './helpers.js'

function* readAll(p: Popen): Operation<string> {
  return (yield* p.stdout!.read()).toString()
}

describe('Popen', () => {
  it('reports the exit code through wait, returncode and poll', async () => {
    await kernelRun(function* () {
      const p = new Popen(['sh', '-c', 'exit 7'])
      expect(p.pid).toBeGreaterThan(0)
      expect(p.poll()).toBeNull()
      expect(yield* p.wait()).toBe(7)
      expect(p.returncode).toBe(7)
      expect(p.poll()).toBe(7)
      expect(p.signal).toBeNull()
      expect(psState(p.pid!)).toBe('') // reaped: not even a zombie
    })
  })

  it('gives minus the signal number, and its name, for a signalled child', async () => {
    await kernelRun(function* () {
      const p = new Popen(['sleep', '10'])
      p.terminate()
      expect(yield* p.wait()).toBe(-15)
      expect(p.signal).toBe('SIGTERM')
      const q = new Popen(['sleep', '10'])
      q.kill()
      expect(yield* q.wait()).toBe(-9)
      const r = new Popen(['sleep', '10'])
      r.sendSignal('SIGINT')
      expect(yield* r.wait()).toBe(-2)
      r.kill() // no-op once exited
      expect(r.returncode).toBe(-2)
    })
  })

  it('reads the child output with read(), readline() and readlines()', async () => {
    await kernelRun(function* () {
      const p = new Popen(['sh', '-c', 'printf "one\\ntwo\\nthree"'], { stdout: PIPE })
      expect((yield* p.stdout!.readline()).toString()).toBe('one\n')
      expect((yield* p.stdout!.readlines()).map(String)).toEqual(['two\n', 'three'])
      expect((yield* p.stdout!.read()).length).toBe(0) // EOF, again
      expect(yield* p.wait()).toBe(0)
      const q = new Popen(['sh', '-c', 'printf abcdef'], { stdout: PIPE })
      expect((yield* q.stdout!.readExactly(4)).toString()).toBe('abcd')
      const error = (yield* catchError(() => q.stdout!.readExactly(5))) as IncompleteRead
      expect(error).toBeInstanceOf(IncompleteRead)
      expect(Buffer.from(error.partial).toString()).toBe('ef')
      yield* q.wait()
    })
  })

  it('eachLine runs a plain function or an operation for every line', async () => {
    const seen: string[] = []
    await kernelRun(function* () {
      const p = new Popen(['sh', '-c', 'printf "a\\nb\\nc"'], { stdout: PIPE })
      yield* p.stdout!.eachLine(function* (line) {
        yield* schedule()
        seen.push(line.toString())
      })
      const q = new Popen(['sh', '-c', 'echo d'], { stdout: PIPE })
      yield* q.stdout!.eachLine((line) => seen.push(line.toString()))
      yield* p.wait()
      yield* q.wait()
    })
    expect(seen).toEqual(['a\n', 'b\n', 'c', 'd\n'])
  })

  it('talks to a child line by line: interleaved writes and reads', async () => {
    await kernelRun(function* () {
      const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE })
      for (let i = 0; i < 100; i++) {
        yield* p.stdin!.write(`line ${i}\n`)
        expect((yield* p.stdout!.readline()).toString()).toBe(`line ${i}\n`)
      }
      yield* p.stdin!.writelines(['a\n', 'b\n'])
      p.stdin!.close()
      expect(yield* readAll(p)).toBe('a\nb\n')
      expect(yield* p.wait()).toBe(0)
    })
  })

  it('keeps stdio not piped as null, and DEVNULL discards', async () => {
    await kernelRun(function* () {
      const p = new Popen(['sh', '-c', 'echo hidden'], { stdout: DEVNULL })
      expect(p.stdin).toBeNull()
      expect(p.stdout).toBeNull()
      expect(p.stderr).toBeNull()
      expect(yield* p.wait()).toBe(0)
    })
  })

  it('merges stderr into stdout with STDOUT', async () => {
    await kernelRun(function* () {
      const p = new Popen(['sh', '-c', 'echo out; sleep 0.05; echo err >&2'], {
        stdout: PIPE,
        stderr: STDOUT,
      })
      expect(p.stderr).toBeNull()
      expect(yield* readAll(p)).toBe('out\nerr\n')
      expect(yield* p.wait()).toBe(0)
    })
  })

  it('reads stderr on its own pipe', async () => {
    await kernelRun(function* () {
      const p = new Popen([NODE, '-e', 'process.stderr.write("oops")'], { stderr: PIPE })
      expect((yield* p.stderr!.read()).toString()).toBe('oops')
      expect(yield* p.wait()).toBe(0)
    })
  })

  it('passes cwd, env and shell', async () => {
    await kernelRun(function* () {
      const p = new Popen(['echo "$X $0 $1"; pwd', 'zero', 'one'], {
        shell: true,
        cwd: '/tmp',
        env: { X: 'ex', PATH: process.env.PATH },
        stdout: PIPE,
      })
      expect(yield* readAll(p)).toBe('ex zero one\n/tmp\n')
      expect(yield* p.wait()).toBe(0)
    })
  })

  it('reports a program that does not exist from wait, with ENOENT naming it, never from new Popen', async () => {
    const p = new Popen(['curio-no-such-program'], { stdin: PIPE, stdout: PIPE })
    expect(p.pid).toBeUndefined()
    const error = await kernelRun(function* () {
      yield* p.wait()
    }).catch((e) => e)
    expect(error.code).toBe('ENOENT')
    expect(error.message).toContain('curio-no-such-program')
  })

  it('throws EPIPE when writing to a child that has exited, without crashing the parent', async () => {
    await kernelRun(function* () {
      const p = new Popen(['sh', '-c', 'exit 0'], { stdin: PIPE })
      yield* p.wait()
      const big = Buffer.alloc(1024 * 1024)
      const error = yield* catchError(function* () {
        for (let i = 0; i < 10; i++) yield* p.stdin!.write(big)
      })
      expect((error as NodeJS.ErrnoException).code).toBe('EPIPE')
      // and again on every later write
      const again = yield* catchError(() => p.stdin!.write('x'))
      expect((again as NodeJS.ErrnoException).code).toBe('EPIPE')
    })
  })

  it('closing stdout early does not crash the parent; the child gets a broken pipe', async () => {
    await kernelRun(function* () {
      // stderr: the child's first failed write may be ECONNRESET (the pipe is a socket pair),
      // which sh reports before the next write's SIGPIPE ends it.
      const p = new Popen(['sh', '-c', 'while :; do echo y; done'], { stdout: PIPE, stderr: DEVNULL })
      expect((yield* p.stdout!.readline()).toString()).toBe('y\n')
      p.stdout!.close()
      expect(yield* p.wait()).toBe(-13) // SIGPIPE
      const error = yield* catchError(() => p.stdout!.read())
      expect((error as NodeJS.ErrnoException).code).toBe('EBADF')
    })
  })

  it('a read cancelled while waiting loses nothing', async () => {
    await kernelRun(function* () {
      const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE })
      const reader = yield* spawn(() => p.stdout!.read(100))
      yield* schedule() // the reader is now waiting
      expect(reader.state).toBe('READ_WAIT')
      yield* reader.cancel()
      yield* p.stdin!.write('x')
      p.stdin!.close()
      expect(yield* readAll(p)).toBe('x')
      yield* p.wait()
    })
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
