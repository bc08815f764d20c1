import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openConnection, runServer, type Socket, tcpServerSocket } from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'
import { checkOutput } from '@curio/subprocess'

// A throwaway self-signed certificate for "localhost", made with openssl.
function* makeCertificate(dir: string): Operation<{ cert: Buffer; key: Buffer }> {
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')]
  yield* checkOutput(
    ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'].concat([
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stderr: 'ignore' },
  )
  return { cert: readFileSync(cert), key: readFileSync(key) }
}

// The handler is the same as for plain TCP: TLS is only a server option.
function* echo(client: Socket): Operation<void> {
  const stream = client.asStream()
  for (let line = yield* stream.readline(); line.length > 0; line = yield* stream.readline()) {
    yield* stream.write(line)
  }
}

function* main(): Operation<void> {
  const dir = mkdtempSync(join(tmpdir(), 'curio-tls-'))
  try {
    const { cert, key } = yield* makeCertificate(dir)
    const sock = tcpServerSocket('127.0.0.1', 0)
    const port = (sock.getsockname() as [string, number])[1]
    const server = yield* spawn(runServer(sock, echo, { ssl: { cert, key } }))

    // The client trusts this one certificate and checks it is for "localhost".
    using conn = yield* openConnection('127.0.0.1', port, { ssl: { ca: cert }, serverHostname: 'localhost' })
    const stream = conn.asStream()
    yield* stream.write(Buffer.from('hello over TLS\n'))
    console.log('echoed:', (yield* stream.readline()).toString().trimEnd())

    // A client that does not trust it fails at connect, with Node's error code.
    try {
      yield* openConnection('127.0.0.1', port, { ssl: true, serverHostname: 'localhost' })
    } catch (error) {
      console.log('untrusted:', (error as NodeJS.ErrnoException).code)
    }
    yield* server.cancel()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await run(main)

// Output:
// echoed: hello over TLS
// untrusted: DEPTH_ZERO_SELF_SIGNED_CERT
