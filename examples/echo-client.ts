// An echo client: connects, sends each message as a line, and prints what comes back.
// Run: node --conditions=@curio/source --import tsx examples/echo-client.ts [port] [messages...]
import { openConnection, SHUT_WR } from '@curio/io'
import { type Operation, run } from '@curio/kernel'
import { isMain } from './is-main.js'

/** Send `messages` to the echo server at `host:port`, one line each, and print each answer. */
export function* talk(name: string, host: string, port: number, messages: string[]): Operation<string[]> {
  using sock = yield* openConnection(host, port)
  const stream = sock.asStream()
  const answers: string[] = []
  for (const message of messages) {
    yield* stream.write(Buffer.from(`${message}\n`))
    const answer = (yield* stream.readline()).toString().trimEnd()
    console.log(`${name}: sent ${JSON.stringify(message)}, got back ${JSON.stringify(answer)}`)
    answers.push(answer)
  }
  // Close politely: FIN first, then wait for the server's own close (end of stream).
  sock.shutdown(SHUT_WR)
  if ((yield* sock.recv(100)).length === 0) console.log(`${name}: done, the server closed its side`)
  return answers
}

if (isMain(import.meta.url)) {
  const [port = '25000', ...messages] = process.argv.slice(2)
  await run(talk('client', '127.0.0.1', Number(port), messages.length > 0 ? messages : ['hello', 'curio']))
}
