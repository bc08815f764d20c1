// channel_server.ts with its Python client, and channel_node.ts's two Node sides.
import { spawn as spawnChild } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Channel } from '@curio/io'
import { awaitPromise, run, spawn } from '@curio/kernel'
import { expect, it } from 'vitest'
import { ORDERS, producer, worker } from './channel_node.js'
import { wordCountServer } from './channel_server.js'

it('a Python client and the curio server count words together', async () => {
  const out = await run(function* () {
    using channel = new Channel(['127.0.0.1', 0])
    channel.bind()
    const [host, port] = channel.address as [string, number]
    const server = yield* spawn(wordCountServer(channel))
    const client = spawnChild(
      'python3',
      [fileURLToPath(new URL('./channel_client.py', import.meta.url)), `${host}:${port}`],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    )
    client.stdin.end('the cat and the hat\n\nthe end and the start\n\nthe cat')
    const chunks: Buffer[] = []
    client.stdout.on('data', (c: Buffer) => chunks.push(c))
    const [code] = yield* awaitPromise(once(client, 'exit'))
    yield* server.cancel()
    return { code, text: Buffer.concat(chunks).toString() }
  })
  expect(out).toEqual({ code: 0, text: 'the 5\ncat 2\nand 2\n' })
})

it('a producer and a worker exchange structured values over a Unix socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'curio-example-'))
  try {
    const totals = await run(function* () {
      using channel = new Channel(join(dir, 'sum.sock'))
      channel.bind()
      const side = yield* spawn(function* () {
        using conn = yield* channel.accept({ authkey: 'shared secret' })
        return yield* worker(conn)
      })
      using conn = yield* new Channel(channel.address).connect({ authkey: 'shared secret' })
      return [yield* producer(conn, ORDERS), yield* side.join()]
    })
    expect(totals).toEqual([10, 10])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
