// The echo demo runs to the end and exits by itself; the chat server relays between clients.
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { openConnection, runServer, tcpServerSocket } from '@curio/io'
import { run, spawn } from '@curio/kernel'
import { expect, it } from 'vitest'
import { chatClient } from './chat.js'

const here = dirname(fileURLToPath(import.meta.url))

it('demo.ts: three clients get their echoes, then the process exits by itself', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@curio/source', '--import', 'tsx', join(here, 'demo.ts')],
    { cwd: here, timeout: 30_000 },
  )
  const lines = stdout.trimEnd().split('\n')
  expect(lines[0]).toMatch(/^echo server listening at 127\.0\.0\.1:\d+$/)
  expect(lines.filter((l) => / got back /.test(l)).sort()).toEqual([
    'ann: sent "hello", got back "hello"',
    'ann: sent "how are you?", got back "how are you?"',
    'bob: sent "curio", got back "curio"',
    'bob: sent "in TypeScript", got back "in TypeScript"',
    'cyd: sent "bye", got back "bye"',
  ])
  expect(lines.filter((l) => l.startsWith('Connection from'))).toHaveLength(3)
  expect(lines.filter((l) => l === 'Connection closed')).toHaveLength(3)
  expect(lines.filter((l) => l.endsWith(': done, the server closed its side'))).toHaveLength(3)
  expect(lines.at(-1)).toBe('demo finished; nothing left running')
})

it('chat.ts: a line from one client reaches the others, not the sender', async () => {
  const seen = await run(function* () {
    const sock = tcpServerSocket('127.0.0.1', 0)
    const [, port] = sock.getsockname() as [string, number]
    const server = yield* spawn(runServer(sock, chatClient))
    using ann = yield* openConnection('127.0.0.1', port)
    using bob = yield* openConnection('127.0.0.1', port)
    const annIn = ann.asStream()
    const bobIn = bob.asStream()
    const joined = (yield* annIn.readline()).toString() // bob joined
    yield* ann.sendall(Buffer.from('hi bob\n'))
    const relayed = (yield* bobIn.readline()).toString()
    bob.close()
    const left = (yield* annIn.readline()).toString()
    yield* server.cancel()
    return [joined, relayed, left]
  })
  expect(seen[0]).toMatch(/^\* 127\.0\.0\.1:\d+ joined\n$/)
  expect(seen[1]).toMatch(/^127\.0\.0\.1:\d+: hi bob\n$/)
  expect(seen[2]).toMatch(/^\* 127\.0\.0\.1:\d+ left\n$/)
})
