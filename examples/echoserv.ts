// Curio's README echo server, ported line for line with BSD-style sockets.
// Run: node --conditions=@curio/source --import tsx examples/echoserv.ts [port]
// then talk to it with `nc localhost 25000` or examples/echo-client.ts.
import { type Address, AF_INET, SO_REUSEADDR, SOCK_STREAM, SOL_SOCKET, type Socket, socket } from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'
import { isMain } from './is-main.js'

export function* echoServer(address: Address): Operation<void> {
  using sock = socket(AF_INET, SOCK_STREAM)
  sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
  sock.bind(address)
  sock.listen(5)
  console.log('Server listening at', sock.getsockname())
  for (;;) {
    const [client, addr] = yield* sock.accept()
    yield* spawn(echoClient(client, addr))
  }
}

export function* echoClient(client: Socket, addr: Address): Operation<void> {
  console.log('Connection from', addr)
  using _ = client
  for (;;) {
    const data = yield* client.recv(100000)
    if (data.length === 0) break
    yield* client.sendall(data)
  }
  console.log('Connection closed')
}

if (isMain(import.meta.url)) await run(echoServer(['', Number(process.argv[2] ?? 25000)]))
