// A line echo server on streams: each connection is read a line at a time with `readline`.
// Run: node --conditions=@curio/source --import tsx examples/echoserv-stream.ts [port]
import { type Address, type Socket, tcpServer } from '@curio/io'
import { type Operation, run } from '@curio/kernel'
import { isMain } from './is-main.js'

export function* echoLines(client: Socket, addr: Address): Operation<void> {
  console.log('Connection from', addr)
  using stream = client.asStream()
  for (;;) {
    const line = yield* stream.readline()
    if (line.length === 0) break
    yield* stream.write(line)
  }
  console.log('Connection closed')
}

if (isMain(import.meta.url)) await run(tcpServer('', Number(process.argv[2] ?? 25000), echoLines))
