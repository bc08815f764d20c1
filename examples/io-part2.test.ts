// The TLS, UDP and file examples work against clients the library did not write, and each other.
import { spawn as spawnProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { type Address, runServer, tcpServerSocket } from '@curio/io'
import { awaitPromise, run, schedule, spawn } from '@curio/kernel'
import { expect, it } from 'vitest'
import { selfSignedCert } from '../packages/io/test/tls-cert.js'
import { handler } from './ssl_echo.js'
import { udpClient } from './udp_client.js'
import { udpEcho } from './udp_echo.js'

it('ssl_echo.ts: a node:tls client gets its lines back over TLS', async () => {
  const { key, cert } = selfSignedCert()
  const reply = await run(function* () {
    const sock = tcpServerSocket('127.0.0.1', 0)
    const [, port] = sock.getsockname() as [string, number]
    const server = yield* spawn(runServer(sock, handler, { ssl: { key, cert } }))
    const got = yield* awaitPromise(
      new Promise<string>((resolve, reject) => {
        const client = tlsConnect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' }, () =>
          client.end('one\ntwo\n'),
        )
        let text = ''
        client.on('data', (d: Buffer) => {
          text += d.toString()
        })
        client.on('end', () => resolve(text))
        client.on('error', reject)
      }),
    )
    yield* server.cancel()
    return got
  })
  expect(reply).toBe('one\ntwo\n')
})

it('udp_echo.ts and udp_client.ts: every datagram comes back', async () => {
  const replies = await run(function* () {
    let ready: Address | undefined
    const server = yield* spawn(
      udpEcho(['127.0.0.1', 0], (addr) => {
        ready = addr
      }),
    )
    yield* schedule()
    const [, port] = ready as [string, number]
    const got = yield* udpClient('127.0.0.1', port, ['a', 'bc', 'def'])
    yield* server.cancel()
    return got
  })
  expect(replies).toEqual(['a', 'bc', 'def'])
})

const here = dirname(fileURLToPath(import.meta.url))

function wcProgram(
  args: string[],
  input?: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawnProcess(
      process.execPath,
      ['--conditions=@curio/source', '--import', 'tsx', join(here, 'wc.ts'), ...args],
      { cwd: here },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d
    })
    child.stdin.end(input ?? '')
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

it('wc.ts counts lines, words and bytes of files and of stdin, as wc does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'curio-wc-'))
  writeFileSync(join(dir, 'a.txt'), 'one two\nthree\n')
  writeFileSync(join(dir, 'b.txt'), 'four\nfive six seven')
  const [files, piped, missing] = await Promise.all([
    wcProgram([join(dir, 'a.txt'), join(dir, 'b.txt')]),
    wcProgram([], 'a b\nc d e\nlast'),
    wcProgram([join(dir, 'missing.txt')]),
  ])
  expect(files.out).toBe(
    `      2       3      14 ${join(dir, 'a.txt')}\n      1       4      19 ${join(dir, 'b.txt')}\n      3       7      33 total\n`,
  )
  expect(piped.out).toBe('      2       6      14\n')
  expect(missing.code).toBe(1)
  expect(missing.err).toMatch(/^wc: ENOENT: no such file or directory/)
})

it('signal_handling.ts reports SIGUSR1 and SIGUSR2, and stops cleanly on SIGTERM', async () => {
  const child = spawnProcess(
    process.execPath,
    ['--conditions=@curio/source', '--import', 'tsx', join(here, 'signal_handling.ts')],
    { cwd: here },
  )
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000)
  const script: [RegExp, NodeJS.Signals][] = [
    [/waiting for signals/, 'SIGUSR1'],
    [/^got SIGUSR1$/, 'SIGUSR2'],
    [/^got SIGUSR2$/, 'SIGTERM'],
  ]
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d
    const next = script[0]
    if (next !== undefined && out.split('\n').some((line) => next[0].test(line))) {
      script.shift()
      child.kill(next[1])
    }
  })
  const code = await new Promise((resolve) => child.on('close', resolve))
  clearTimeout(guard)
  expect(code).toBe(0)
  expect(out.split('\n').slice(1)).toEqual(['got SIGUSR1', 'got SIGUSR2', 'SIGTERM: shutting down', ''])
})
