/**
 * A second look at the echo servers on a busy machine: server CPU time (user + system) per
 * echoed message, which other processes' load barely changes, where messages per second do.
 * Runs each server `reps` times, interleaved, and prints the median.
 *
 * From bench/: node --conditions=@curio/source --import tsx src/echo/cpu-per-message.ts [size] [reps]
 */
import { drive } from './loadgen.js'
import {
  curioSocketServer,
  curioStreamServer,
  type EchoServer,
  nodeAsyncIterServer,
  nodeNetServer,
} from './servers.js'

const size = Number(process.argv[2] ?? 1000)
const reps = Number(process.argv[3] ?? 5)
const servers: Record<string, () => Promise<EchoServer>> = {
  'curio socket': curioSocketServer,
  'curio stream': curioStreamServer,
  'node net': nodeNetServer,
  'node async-iter': nodeAsyncIterServer,
}

const samples: Record<string, number[]> = {}
for (let rep = 0; rep < reps; rep++) {
  for (const [name, start] of Object.entries(servers)) {
    const server = await start()
    const before = process.cpuUsage()
    const { messages } = await drive({ port: server.port, conns: 32, size, count: 40_000 })
    const used = process.cpuUsage(before)
    await server.stop()
    ;(samples[name] ??= []).push((used.user + used.system) / messages)
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const base = median(samples['node net']!)
console.log(`server CPU per echoed ${size}-byte message (median of ${reps}, 32 connections):`)
for (const [name, xs] of Object.entries(samples)) {
  const us = median(xs)
  console.log(
    `  ${name.padEnd(16)} ${us.toFixed(2).padStart(7)} us   node net ÷ this: ${(base / us).toFixed(2)}x`,
  )
}
