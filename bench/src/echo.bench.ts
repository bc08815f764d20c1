/**
 * The echo server against raw Node `net`: a load generator in a separate process (32
 * connections, request/response, 100-byte and 1000-byte messages) drives, in one run, the
 * curio socket echo (recv/sendall, Curio's README program), the curio stream echo
 * (readline/write), raw `net` callbacks, Node async iteration with awaited drain, Effection 4,
 * and, when a C compiler exists, a C epoll server: the ceiling of this client.
 */

import { selfSignedCert } from '../../packages/io/test/tls-cert.js'
import { drive, loadgenKind } from './echo/loadgen.js'
import {
  cEpollServer,
  curioSocketServer,
  curioStreamServer,
  curioTlsServer,
  type EchoServer,
  effectionServer,
  haveC,
  nodeAsyncIterServer,
  nodeNetServer,
  nodeTlsServer,
} from './echo/servers.js'
import type { Area, Impl, Row } from './harness.js'

const CONNS = 32
// Small enough for several runs within the harness budget: the best one is kept, which matters on
// a shared machine.
const MESSAGES = 40_000

/** `n` echoed messages of `size` bytes through a fresh server. */
function echo(start: () => Promise<EchoServer>, size: number, tls = false): Impl {
  return async (n) => {
    const server = await start()
    try {
      await drive({ port: server.port, conns: CONNS, size, count: Math.max(n, CONNS), tls })
    } finally {
      await server.stop()
    }
  }
}

const note = `server in the bench process (one core); load generator: ${loadgenKind} in its own process; TCP_NODELAY on every server`

function rows(size: number): Row[] {
  const baselines = {
    'node net': echo(nodeNetServer, size),
    'node async-iter': echo(nodeAsyncIterServer, size),
    effection: echo(effectionServer, size),
    ...(haveC ? { 'C epoll': echo(cEpollServer, size) } : {}),
  }
  return [
    {
      name: `echo ${size} B x${CONNS} conns, socket`,
      n: MESSAGES,
      unit: 'msg',
      impls: { curio: echo(curioSocketServer, size), ...baselines },
      targets: [{ vs: 'node net', min: 0.9, stretch: 1.0 }],
      note,
    },
    {
      name: `echo ${size} B x${CONNS} conns, stream readline`,
      n: MESSAGES,
      unit: 'msg',
      impls: { curio: echo(curioStreamServer, size), 'node net': echo(nodeNetServer, size) },
      targets: [{ vs: 'node net', min: 0.8, stretch: 1.0 }],
      note,
    },
  ]
}

/**
 * The echo over TLS: curio's handler unchanged under `runServer(..., { ssl })` against Node's
 * `tls.Server` with a 'data' callback. The handshakes happen before the clock starts; what is
 * measured is encrypted request/response. A throwaway certificate is made with `openssl` (the
 * row is left out without it).
 */
function tlsRow(size: number): Row[] {
  let ssl: { key: Buffer; cert: Buffer }
  try {
    ssl = selfSignedCert()
  } catch {
    return []
  }
  return [
    {
      name: `echo ${size} B x${CONNS} conns, TLS`,
      n: MESSAGES / 2,
      unit: 'msg',
      impls: {
        curio: echo(() => curioTlsServer(ssl), size, true),
        'node tls': echo(() => nodeTlsServer(ssl), size, true),
      },
      targets: [{ vs: 'node tls', min: 0.9, stretch: 1.0 }],
      note: `server in the bench process (one core); load generator: Node tls client in its own process (the C one has no TLS); TCP_NODELAY on every server`,
    },
  ]
}

export const area: Area = { name: 'echo', rows: [...rows(1000), ...rows(100), ...tlsRow(1000)] }
