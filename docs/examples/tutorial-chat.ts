import { openConnection, runServer, type Socket, type SocketStream, tcpServerSocket } from '@curio/io'
import { type Operation, run, spawn, taskGroup } from '@curio/kernel'
import { Queue } from '@curio/queue'

// The chat server: every line a client sends goes to every other client. Each connection
// runs two tasks, a reader and a writer fed by the client's own queue, so a slow client
// never holds up the others.
const clients = new Set<Queue<string>>()

function broadcast(from: Queue<string>, message: string): void {
  for (const q of clients) if (q !== from) q.putNowait(message)
}

function* chatClient(client: Socket): Operation<void> {
  using stream = client.asStream()
  const name = (yield* stream.readline()).toString().trim() // the first line is the nickname
  const outgoing = new Queue<string>()
  clients.add(outgoing)
  yield* stream.write(Buffer.from(`welcome ${name}\n`))
  broadcast(outgoing, `* ${name} joined\n`)
  try {
    // 'any': when the reader ends (the client left), the writer is cancelled.
    yield* taskGroup({ wait: 'any' }, function* (group) {
      yield* group.spawn(function* writer() {
        for (;;) yield* stream.write(Buffer.from(yield* outgoing.get()))
      })
      yield* group.spawn(function* reader() {
        for (let line = yield* stream.readline(); line.length > 0; line = yield* stream.readline()) {
          broadcast(outgoing, `${name}: ${line}`)
        }
      })
    })
  } finally {
    clients.delete(outgoing)
    broadcast(outgoing, `* ${name} left\n`)
  }
}

// Two users, in the same program so that the example can check itself.
function* join(port: number, name: string): Operation<SocketStream> {
  const stream = (yield* openConnection('127.0.0.1', port)).asStream()
  yield* stream.write(Buffer.from(`${name}\n`))
  yield* hear(name, stream) // welcome: from now on, this user gets every message
  return stream
}

function* hear(who: string, stream: SocketStream): Operation<void> {
  console.log(`${who} reads: ${(yield* stream.readline()).toString().trimEnd()}`)
}

function* main(): Operation<void> {
  const sock = tcpServerSocket('127.0.0.1', 0) // port 0: any free port
  const port = (sock.getsockname() as [string, number])[1]
  const server = yield* spawn(runServer(sock, chatClient))

  const alice = yield* join(port, 'alice')
  const bob = yield* join(port, 'bob')
  yield* hear('alice', alice)

  yield* alice.write(Buffer.from('hi bob\n'))
  yield* hear('bob', bob)

  bob.close()
  yield* hear('alice', alice)
  alice.close()
  yield* server.cancel()
}

await run(main)

// Output:
// alice reads: welcome alice
// bob reads: welcome bob
// alice reads: * bob joined
// bob reads: alice: hi bob
// alice reads: * bob left
