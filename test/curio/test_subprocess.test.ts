// Curio's tests/test_subprocess.py, translated. Curio's child.py (prints t-minus 4..1, a second
// apart) and ichild.py (counts its input lines) are Node one-liners here, 50 ms apart.
import {
  CalledProcessError,
  CancelledError,
  checkOutput,
  PIPE,
  Popen,
  run,
  runProcess,
  STDOUT,
  sleep,
  spawn,
  TaskTimeout,
  timeoutAfter,
} from 'curio'
import { describe, expect, it } from 'vitest'
import { raises } from './support.js'

const node = process.execPath
const child = [
  node,
  '-e',
  "let i = 4; const t = setInterval(() => { console.log('t-minus', i); if (--i === 0) clearInterval(t) }, 50)",
]
const ichild = [
  node,
  '-e',
  "let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => console.log(s.split('\\n').length - 1))",
]
const bad = [node, '-e', "throw new Error('curio.test.bad')"]
const countdown = 't-minus 4\nt-minus 3\nt-minus 2\nt-minus 1\n'

describe('test_subprocess.py', () => {
  it('test_subprocess.py::test_simple', async () => {
    await run(function* () {
      const out = yield* runProcess(child, { stdout: PIPE })
      expect(out.stdout?.toString()).toBe(countdown)
      expect(out.returncode).toBe(0)
    })
  })

  it('test_subprocess.py::test_simple_check_output', async () => {
    await run(function* () {
      expect((yield* checkOutput(child)).toString()).toBe(countdown)
    })
  })

  it('test_subprocess.py::test_bad_cmd', async () => {
    await run(function* () {
      const e = yield* raises(runProcess(bad, { stdout: PIPE, stderr: PIPE, check: true }))
      expect(e).toBeInstanceOf(CalledProcessError)
    })
  })

  it('test_subprocess.py::test_bad_cmd_check_output', async () => {
    await run(function* () {
      expect(yield* raises(checkOutput(bad, { stderr: STDOUT }))).toBeInstanceOf(CalledProcessError)
    })
  })

  it('test_subprocess.py::test_timeout', async () => {
    // Curio's TaskTimeout carries the output read so far (e.stdout); ours does not (run's own
    // `timeout` option gives TimeoutExpired with it). The child is killed and reaped.
    await run(function* () {
      const e = yield* raises(timeoutAfter(75, runProcess(child, { stdout: PIPE, stderr: PIPE })))
      expect(e).toBeInstanceOf(TaskTimeout)
    })
  })

  it('test_subprocess.py::test_check_output_stdin', async () => {
    await run(function* () {
      expect((yield* checkOutput(ichild, { input: 'Line1\nLine2\nLine3\n' })).toString()).toBe('3\n')
    })
  })

  it('test_subprocess.py::test_no_input_cancel', async () => {
    // A child that never reads its input: the cancelled communicate kills it.
    await run(function* () {
      let p!: Popen
      const t = yield* spawn(function* () {
        p = new Popen([node, '-e', 'setTimeout(() => {}, 10000)'], { stdin: PIPE })
        yield* p.communicate(Buffer.alloc(10_000_000, 0x78))
      })
      yield* sleep(100)
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(CancelledError)
      expect(p.returncode).not.toBeNull()
    })
  })

  it('test_subprocess.py::test_io_error', async () => {
    // A deliberate difference (docs/coming-from-curio.md): Curio raises BrokenPipeError; here,
    // as in Python's subprocess, the input the child never takes is dropped and the call
    // succeeds with what the child wrote (nothing).
    await run(function* () {
      const closesStdin = [node, '-e', "require('node:fs').closeSync(0); setTimeout(() => {}, 100)"]
      const out = yield* checkOutput(closesStdin, { input: Buffer.alloc(10_000_000, 0x78) })
      expect(out.length).toBe(0)
    })
  })

  it('test_subprocess.py::test_popen_join', async () => {
    await run(function* () {
      const p = new Popen([node, '-e', 'setTimeout(() => {}, 100)'])
      expect(yield* p.wait()).toBe(0)
    })
  })
})
