/**
 * A second look at the echo servers on a busy machine: server CPU time (user + system) per
 * echoed message, which other processes' load barely changes, where messages per second do.
 * Runs each server `reps` times, interleaved, and prints the median.
 *
 * From bench/: node --conditions=@curio/source --import tsx src/echo/cpu-per-message.ts [size] [reps] [--tls]
 * (`--tls`: curio's TLS echo against Node's `tls.Server`, with a throwaway certificate).
 */
import { selfSignedCert } from '../../../packages/io/test/tls-cert.js'
import { drive } from './loadgen.js'
import {
  curioSocketServer,
  curioStreamServer,
  curioTlsServer,
  type EchoServer,
  nodeAsyncIterServer,
  nodeNetServer,
  nodeTlsServer,
} from './servers.js'

const tls = process.argv.includes('--tls')
const [size = 1000, reps = 5] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'))
  .map(Number)
const ssl = tls ? selfSignedCert() : undefined
const servers: Record<string, () => Promise<EchoServer>> = ssl
  ? { 'curio tls': () => curioTlsServer(ssl), 'node tls': () => nodeTlsServer(ssl) }
  : {
      'curio socket': curioSocketServer,
      'curio stream': curioStreamServer,
      'node net': nodeNetServer,
      'node async-iter': nodeAsyncIterServer,
    }
const baseline = tls ? 'node tls' : 'node net'

const samples: Record<string, number[]> = {}
for (let rep = 0; rep < reps; rep++) {
  for (const [name, start] of Object.entries(servers)) {
    const server = await start()
    const before = process.cpuUsage()
    const { messages } = await drive({
      port: server.port,
      conns: 32,
      size,
      count: tls ? 20_000 : 40_000,
      tls,
    })
    const used = process.cpuUsage(before)
    await server.stop()
    ;(samples[name] ??= []).push((used.user + used.system) / messages)
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const base = median(samples[baseline]!)
console.log(`server CPU per echoed ${size}-byte message (median of ${reps}, 32 connections):`)
for (const [name, xs] of Object.entries(samples)) {
  const us = median(xs)
  console.log(
    `  ${name.padEnd(16)} ${us.toFixed(2).padStart(7)} us   ${baseline} ÷ this: ${(base / us).toFixed(2)}x`,
  )
}
