// A small chat server: every line a client sends goes to every other client. Each connection
// runs two tasks, a reader and a writer fed by its own queue, so a slow client never holds up
// the others. Run: node --conditions=@curio/source --import tsx examples/chat.ts [port]
// and connect a few `nc localhost 25000`.
import { type Address, type Socket, tcpServer } from '@curio/io'
import { type Operation, run, taskGroup } from '@curio/kernel'
import { Queue } from '@curio/queue'
import { isMain } from './is-main.js'

/** The outgoing queue of every connected client. */
const clients = new Set<Queue<Uint8Array>>()

function broadcast(from: Queue<Uint8Array>, message: Uint8Array): void {
  for (const q of clients) if (q !== from) q.putNowait(message)
}

export function* chatClient(client: Socket, addr: Address): Operation<void> {
  const name = typeof addr === 'string' ? 'unix' : `${addr[0]}:${addr[1]}`
  using stream = client.asStream()
  const outgoing = new Queue<Uint8Array>()
  clients.add(outgoing)
  broadcast(outgoing, Buffer.from(`* ${name} joined\n`))
  try {
    // 'any': when the reader ends (the client left), the writer is cancelled.
    yield* taskGroup({ wait: 'any' }, function* (group) {
      yield* group.spawn(function* writer() {
        for (;;) yield* stream.write(yield* outgoing.get())
      })
      yield* group.spawn(function* reader() {
        for (let line = yield* stream.readline(); line.length > 0; line = yield* stream.readline()) {
          broadcast(outgoing, Buffer.concat([Buffer.from(`${name}: `), line]))
        }
      })
    })
  } finally {
    clients.delete(outgoing)
    broadcast(outgoing, Buffer.from(`* ${name} left\n`))
  }
}

if (isMain(import.meta.url)) await run(tcpServer('', Number(process.argv[2] ?? 25000), chatClient))
