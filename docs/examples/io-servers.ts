import { type Address, openConnection, runServer, type Socket, tcpServerSocket } from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'

// A handler per connection: one that throws is reported and its connection closed, the
// server keeps serving; cancelling the server cancels the handlers still running.
function* shout(client: Socket, _addr: Address): Operation<void> {
  using stream = client.asStream()
  for (;;) {
    const line = (yield* stream.readline()).toString()
    if (line === '') return
    if (line === 'crash\n') throw new Error('handler crashed on purpose')
    yield* stream.write(Buffer.from(line.toUpperCase()))
  }
}

function* main(): Operation<void> {
  const sock = tcpServerSocket('127.0.0.1', 0)
  const [, port] = sock.getsockname() as [string, number]
  const onError = (error: unknown) => console.log('reported:', (error as Error).message)
  const server = yield* spawn(runServer(sock, shout, { onError }))

  using first = (yield* openConnection('127.0.0.1', port)).asStream()
  yield* first.write(Buffer.from('crash\n'))
  console.log('first client reads end of stream:', (yield* first.read()).length === 0)

  using second = (yield* openConnection('127.0.0.1', port)).asStream()
  yield* second.write(Buffer.from('still serving\n'))
  console.log('second client got:', (yield* second.readline()).toString().trim())

  yield* server.cancel() // the second handler is cancelled; its connection closes
  console.log('after cancel, second client reads end of stream:', (yield* second.read()).length === 0)
}

await run(main)

// Output:
// reported: handler crashed on purpose
// first client reads end of stream: true
// second client got: STILL SERVING
// after cancel, second client reads end of stream: true
