// sendall and recv respect backpressure: a slow reader costs waiting, not memory.
import { createHash } from 'node:crypto'
import { run, sleep } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { openConnection } from '../src/index.js'
import { closeServer, nodeServer, turn } from './helpers.js'

const MiB = 1024 * 1024

describe('backpressure', () => {
  it('a 64 MiB sendall to a slow reader uses bounded memory, waits for the reader, and arrives intact', async () => {
    const data = Buffer.alloc(64 * MiB)
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i)
    const expected = createHash('sha256').update(data).digest('hex')
    const base = process.memoryUsage().arrayBuffers
    let peak = 0
    let received = 0
    let digest!: Promise<string>
    const server = await nodeServer((s) => {
      const hash = createHash('sha256')
      digest = new Promise((resolve) => s.on('end', () => resolve(hash.digest('hex'))))
      // A slow reader: one chunk, then a pause of one event-loop turn.
      s.on('data', (chunk: Buffer) => {
        hash.update(chunk)
        received += chunk.length
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base)
        s.pause()
        setImmediate(() => s.resume())
      })
    })
    const receivedWhenDone = await run(function* () {
      using sock = yield* openConnection('127.0.0.1', server.port)
      yield* sock.sendall(data)
      return received
    })
    expect(await digest).toBe(expected)
    // sendall returned only once the data was with the OS: most of it had been read already.
    expect(receivedWhenDone).toBeGreaterThan(data.length - 16 * MiB)
    // Nothing was copied or queued in user space beyond the caller's own buffer: one copy of
    // it would be 64 MiB more; what is measured is the reader's not-yet-collected chunks.
    expect(peak).toBeLessThan(48 * MiB)
    await closeServer(server)
  })

  it('a fast sender to a slow curio reader fills the TCP window, not the reader buffer', async () => {
    const total = 32 * MiB
    const server = await nodeServer((s) => {
      const chunk = Buffer.alloc(MiB, 7)
      let sent = 0
      const pump = () => {
        while (sent < total) {
          sent += chunk.length
          if (!s.write(chunk)) return void s.once('drain', pump)
        }
        s.end()
      }
      pump()
    })
    const { got, maxBuffered } = await run(function* () {
      using sock = yield* openConnection('127.0.0.1', server.port)
      let got = 0
      let maxBuffered = 0
      for (;;) {
        yield* turn() // a slow reader
        maxBuffered = Math.max(maxBuffered, sock._conn!.buffered)
        const data = yield* sock.recv(64 * 1024)
        if (data.length === 0) break
        got += data.length
        if (got % (4 * MiB) === 0) yield* sleep(1)
      }
      return { got, maxBuffered }
    })
    expect(got).toBe(total)
    expect(maxBuffered).toBeLessThan(2 * MiB)
    await closeServer(server)
  })
})
