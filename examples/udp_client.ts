// Curio's udpclient.py: send a few datagrams to the UDP echo server and print the replies.
// Run: node --conditions=@curio/source --import tsx examples/udp_client.ts [port] [host]
import { AF_INET, SOCK_DGRAM, socket } from '@curio/io'
import { type Operation, run, timeoutAfter } from '@curio/kernel'
import { isMain } from './is-main.js'

export function* udpClient(host: string, port: number, messages: string[]): Operation<string[]> {
  using sock = socket(AF_INET, SOCK_DGRAM)
  // connect() fixes the peer, so plain send/recv work, and only its replies are received.
  yield* sock.connect([host, port])
  const replies: string[] = []
  for (const message of messages) {
    yield* sock.send(Buffer.from(message))
    // UDP may drop a datagram: never wait for ever for the reply.
    const reply = yield* timeoutAfter(2000, sock.recv(8192))
    replies.push(reply.toString())
  }
  return replies
}

if (isMain(import.meta.url)) {
  const port = Number(process.argv[2] ?? 26000)
  const host = process.argv[3] ?? '127.0.0.1'
  for (const reply of await run(udpClient(host, port, ['hello', 'curio', 'over UDP']))) {
    console.log('Got back', JSON.stringify(reply))
  }
}
