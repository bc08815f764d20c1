// scratch: alternated rounds, median CPU (user+sys) and wall per message
import { drive } from './loadgen.js'
import * as s from './servers.js'

const names = process.argv[2]!.split(',')
const size = Number(process.argv[3] ?? 1000)
const rounds = Number(process.argv[4] ?? 7)
const starts: Record<string, () => Promise<s.EchoServer>> = {
  curio: s.curioSocketServer,
  stream: s.curioStreamServer,
  net: s.nodeNetServer,
}
const cpu: Record<string, number[]> = {},
  wall: Record<string, number[]> = {}
for (let i = 0; i < rounds; i++) {
  for (const name of names) {
    const server = await starts[name]!()
    const before = process.cpuUsage()
    const t0 = performance.now()
    const { messages } = await drive({ port: server.port, conns: 32, size, count: 40000 })
    const ms = performance.now() - t0
    const used = process.cpuUsage(before)
    await server.stop()
    ;(cpu[name] ??= []).push((used.user + used.system) / messages)
    ;(wall[name] ??= []).push((ms * 1000) / messages)
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
for (const name of names)
  console.log(
    name.padEnd(8),
    'cpu',
    med(cpu[name]!).toFixed(2),
    'us/msg  wall',
    med(wall[name]!).toFixed(2),
    'us/msg  ratio(wall net/this)',
    (med(wall[names[0]!]!) / med(wall[name]!)).toFixed(2),
    ' cpu ratio',
    (med(cpu[names[0]!]!) / med(cpu[name]!)).toFixed(2),
  )
