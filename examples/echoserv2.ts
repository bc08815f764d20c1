// The same echo server in its short form: `tcpServer` runs `echoClient` as a task per
// connection. Run: node --conditions=@curio/source --import tsx examples/echoserv2.ts [port]
import { tcpServer } from '@curio/io'
import { run } from '@curio/kernel'
import { echoClient } from './echoserv.js'

await run(tcpServer('', Number(process.argv[2] ?? 25000), echoClient))
