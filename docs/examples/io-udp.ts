import { AF_INET, SOCK_DGRAM, socket } from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'

function* main(): Operation<void> {
  // The server: bind knows its port at once, then answer each datagram to its sender.
  using server = socket(AF_INET, SOCK_DGRAM)
  server.bind(['127.0.0.1', 0])
  const address = server.getsockname()
  const echo = yield* spawn(function* () {
    for (;;) {
      const [data, from] = yield* server.recvfrom(8192)
      yield* server.sendto(Buffer.from(data.toString().toUpperCase()), from)
    }
  })

  // A client that connect()s has a fixed peer: plain send and recv.
  using client = socket(AF_INET, SOCK_DGRAM)
  yield* client.connect(address)
  for (const word of ['datagrams', 'keep', 'their', 'boundaries']) {
    yield* client.send(Buffer.from(word))
    console.log((yield* client.recv(8192)).toString())
  }

  // A datagram longer than maxbytes is cut; the rest of it is gone.
  yield* client.send(Buffer.from('truncated at five'))
  console.log((yield* client.recv(5)).toString())
  yield* echo.cancel()
}

await run(main)

// Output:
// DATAGRAMS
// KEEP
// THEIR
// BOUNDARIES
// TRUNC
