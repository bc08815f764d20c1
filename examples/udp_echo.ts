// Curio's udpecho.py: a UDP echo server with datagram sockets.
// Run: node --conditions=@curio/source --import tsx examples/udp_echo.ts [port]
// then talk to it with examples/udp_client.ts (or `nc -u localhost 26000`).
import { type Address, AF_INET, SOCK_DGRAM, socket } from '@curio/io'
import { type Operation, run } from '@curio/kernel'
import { isMain } from './is-main.js'

export function* udpEcho(address: Address, onReady?: (addr: Address) => void): Operation<void> {
  using sock = socket(AF_INET, SOCK_DGRAM)
  sock.bind(address)
  console.log('UDP echo server at', sock.getsockname())
  onReady?.(sock.getsockname())
  for (;;) {
    const [data, addr] = yield* sock.recvfrom(8192)
    console.log('Received', data.length, 'bytes from', addr)
    yield* sock.sendto(data, addr)
  }
}

if (isMain(import.meta.url)) await run(udpEcho(['', Number(process.argv[2] ?? 26000)]))
