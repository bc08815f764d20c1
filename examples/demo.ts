// `pnpm demo`: the echo server of echoserv.ts and three clients of echo-client.ts in one
// program. The server listens on a free port, the clients talk to it at the same time, then
// the server is cancelled: its handlers end, every socket closes, and the process exits.
import { runServer, tcpServerSocket } from '@curio/io'
import { type Operation, run, spawn, taskGroup } from '@curio/kernel'
import { talk } from './echo-client.js'
import { echoClient } from './echoserv.js'

function* main(): Operation<void> {
  const sock = tcpServerSocket('127.0.0.1', 0)
  const [host, port] = sock.getsockname() as [string, number]
  console.log(`echo server listening at ${host}:${port}`)
  const server = yield* spawn(runServer(sock, echoClient))

  yield* taskGroup({ wait: 'all' }, function* (group) {
    yield* group.spawn(talk('ann', host, port, ['hello', 'how are you?']))
    yield* group.spawn(talk('bob', host, port, ['curio', 'in TypeScript']))
    yield* group.spawn(talk('cyd', host, port, ['bye']))
  })

  yield* server.cancel()
  console.log('server cancelled: handlers ended, sockets closed')
}

await run(main)
console.log('demo finished; nothing left running')
