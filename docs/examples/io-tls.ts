import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, openConnection, runServer, type Socket, tcpServerSocket } from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'

// A throwaway self-signed certificate for localhost (never use one like it in production).
const dir = mkdtempSync(join(tmpdir(), 'tls-example-'))
execFileSync(
  'openssl',
  [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1'],
    ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
  ],
  { stdio: 'ignore' },
)
const key = readFileSync(join(dir, 'key.pem'))
const cert = readFileSync(join(dir, 'cert.pem'))
rmSync(dir, { recursive: true })

// The handler does not know it speaks TLS: same Socket, same stream.
function* echo(client: Socket, _addr: Address): Operation<void> {
  const stream = client.asStream()
  yield* stream.eachLine((line) => stream.write(line))
}

function* main(): Operation<void> {
  const sock = tcpServerSocket('127.0.0.1', 0)
  const [, port] = sock.getsockname() as [string, number]
  const server = yield* spawn(runServer(sock, echo, { ssl: { key, cert } }))

  // Trusting this certificate (ca), and checking it was issued to 'localhost'.
  using client = yield* openConnection('127.0.0.1', port, { ssl: { ca: cert }, serverHostname: 'localhost' })
  const stream = client.asStream()
  yield* stream.write(Buffer.from('hello over TLS\n'))
  console.log('echoed:', (yield* stream.readline()).toString().trimEnd())

  // With Node's default trust store, a self-signed certificate is refused: a clear error, no hang.
  try {
    yield* openConnection('127.0.0.1', port, { ssl: true })
  } catch (error) {
    console.log('ssl: true ->', (error as NodeJS.ErrnoException).code)
  }
  yield* server.cancel()
}

await run(main)

// Output:
// echoed: hello over TLS
// ssl: true -> DEPTH_ZERO_SELF_SIGNED_CERT
