import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { run as kernelRun, type Operation, sleep, spawn } from '@curio/kernel'
import { PIPE, Popen } from '@curio/subprocess'
import { describe, expect, it } from 'vitest'

const MiB = 1024 * 1024

// Chunks already read are garbage until the next GC; on a busy machine that can be many MiB.
// Collecting first makes the figure what is still held (by our buffers), not what is dead.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void

/** Bytes held in live Buffers and ArrayBuffers (where pipe chunks live), after a GC. */
function bufferBytes(): number {
  gc({ type: 'minor' }) // chunks just read are young: a scavenge frees them, and is quick
  return process.memoryUsage().arrayBuffers
}

describe('large outputs and deadlocks', () => {
  it('streams 100 MiB through cat with bounded memory', async () => {
    const total = 100 * MiB
    const result = await kernelRun(function* () {
      const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE })
      const chunk = Buffer.alloc(64 * 1024, 0x61)
      const writer = yield* spawn(function* () {
        for (let sent = 0; sent < total; sent += chunk.length) yield* p.stdin!.write(chunk)
        p.stdin!.close()
      })
      const base = bufferBytes()
      let peak = 0
      let received = 0
      for (let reads = 0; ; reads++) {
        const data = yield* p.stdout!.read(256 * 1024)
        if (data.length === 0) break
        received += data.length
        if (reads % 64 === 0) peak = Math.max(peak, bufferBytes() - base)
      }
      yield* writer.join()
      return { received, peak, code: yield* p.wait() }
    })
    expect(result.received).toBe(total)
    expect(result.code).toBe(0)
    expect(result.peak).toBeLessThan(32 * MiB)
  })

  it('a child writing faster than the task reads fills the pipe, not our memory', async () => {
    await kernelRun(function* () {
      const p = new Popen(['head', '-c', String(64 * MiB), '/dev/zero'], { stdout: PIPE })
      const base = bufferBytes()
      yield* sleep(300) // nobody reads: the pipe is paused once a few hundred KiB are buffered
      expect(bufferBytes() - base).toBeLessThan(8 * MiB)
      expect(p.returncode).toBeNull() // head is blocked on the full pipe
      let received = 0
      for (;;) {
        const data = yield* p.stdout!.read(1024 * 1024)
        if (data.length === 0) break
        received += data.length
      }
      expect(received).toBe(64 * MiB)
      expect(yield* p.wait()).toBe(0)
    })
  })

  it('communicate writes and reads at once: 16 MiB both ways through cat does not deadlock', async () => {
    const input = Buffer.alloc(16 * MiB, 0x62)
    const [out, err] = await kernelRun(new Popen(['cat'], { stdin: PIPE, stdout: PIPE }).communicate(input))
    expect(out!.length).toBe(input.length)
    expect(out!.equals(input)).toBe(true)
    expect(err).toBeNull()
  })

  it('stdout and stderr both full at once: communicate reads them together', async () => {
    const script = 'const b = Buffer.alloc(4 << 20, 1); process.stderr.write(b); process.stdout.write(b)'
    const [out, err] = await kernelRun(
      new Popen([process.execPath, '-e', script], { stdout: PIPE, stderr: PIPE }).communicate(),
    )
    expect(out!.length).toBe(4 * MiB)
    expect(err!.length).toBe(4 * MiB)
  })

  it('a line-by-line conversation of 2,000 round trips', async () => {
    const count = await kernelRun(function* (): Operation<number> {
      const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE })
      let n = 0
      for (let i = 0; i < 2000; i++) {
        yield* p.stdin!.write(`${i}\n`)
        if (Number((yield* p.stdout!.readline()).toString()) === i) n++
      }
      p.stdin!.close()
      yield* p.wait()
      return n
    })
    expect(count).toBe(2000)
  })
})
