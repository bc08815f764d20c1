import {
  type Address,
  AF_INET,
  openConnection,
  SHUT_WR,
  SO_REUSEADDR,
  SOCK_STREAM,
  SOL_SOCKET,
  type Socket,
  socket,
} from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'

// Curio's echo server, ported line for line; main makes the listening socket so that the
// client below knows the port.
function* echoServer(sock: Socket): Operation<void> {
  using _ = sock
  for (;;) {
    const [client, addr] = yield* sock.accept()
    yield* spawn(echoClient(client, addr))
  }
}

function* echoClient(client: Socket, addr: Address): Operation<void> {
  console.log('Connection from', (addr as [string, number])[0])
  using _ = client
  for (;;) {
    const data = yield* client.recv(100000)
    if (data.length === 0) break
    yield* client.sendall(data)
  }
  console.log('Connection closed')
}

function* main(): Operation<void> {
  const sock = socket(AF_INET, SOCK_STREAM)
  sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
  sock.bind(['127.0.0.1', 0]) // port 0: any free port
  sock.listen(5)
  const [host, port] = sock.getsockname() as [string, number] // the real port, at once
  console.log('Server listening at', host, port > 0 ? '(a free port)' : '')
  const server = yield* spawn(echoServer(sock))

  using conn = yield* openConnection(host, port)
  yield* conn.sendall(Buffer.from('Hello, echo'))
  console.log('client got:', (yield* conn.recv(100)).toString())
  conn.shutdown(SHUT_WR) // FIN: the server reads end of stream, closes, and so do we
  console.log('client reads end of stream:', (yield* conn.recv(100)).length === 0)
  yield* server.cancel()
}

await run(main)

// Output:
// Server listening at 127.0.0.1 (a free port)
// Connection from 127.0.0.1
// client got: Hello, echo
// Connection closed
// client reads end of stream: true
