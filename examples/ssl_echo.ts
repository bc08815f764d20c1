// Curio's ssl_echo.py: the echo server over TLS. Same handler as the plain one; only the
// server options change.
// Run: node --conditions=@curio/source --import tsx examples/ssl_echo.ts cert.pem key.pem [port]
// Make a throwaway certificate with:
//   openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout key.pem -out cert.pem
// then talk to it with `openssl s_client -connect localhost:25000`.
import { readFileSync } from 'node:fs'
import { type Address, type Socket, tcpServer } from '@curio/io'
import { type Operation, run } from '@curio/kernel'
import { isMain } from './is-main.js'

export function* handler(client: Socket, addr: Address): Operation<void> {
  console.log('Connection from', addr)
  const stream = client.asStream()
  for (;;) {
    const line = yield* stream.readline()
    if (line.length === 0) break
    yield* stream.write(line)
  }
  console.log('Connection closed')
}

if (isMain(import.meta.url)) {
  const [certFile, keyFile, port = '25000'] = process.argv.slice(2)
  if (certFile === undefined || keyFile === undefined) {
    console.error('usage: ssl_echo.ts cert.pem key.pem [port]')
    process.exit(2)
  }
  const ssl = { cert: readFileSync(certFile), key: readFileSync(keyFile) }
  console.log(`TLS echo server on port ${port}`)
  await run(tcpServer('', Number(port), handler, { ssl }))
}
