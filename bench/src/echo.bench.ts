/**
 * The echo server against raw Node `net`: a load generator in a separate process (32
 * connections, request/response, 100-byte and 1000-byte messages) drives, in one run, the
 * curio socket echo (recv(100000)/sendall, Curio's README program), the curio stream echoes
 * (read(100000)/write and readline/write), raw `net` callbacks, Node async iteration with
 * awaited drain, Effection 4, and, when a C compiler exists, a C epoll server: the ceiling of
 * this client. A last row holds 10,000 connections open at once and measures the server's
 * memory per connection against raw `net`.
 */

import { selfSignedCert } from '../../packages/io/test/tls-cert.js'
import { drive, loadgenKind } from './echo/loadgen.js'
import { scaleEcho } from './echo/scale.js'
import {
  cEpollServer,
  curioSocketServer,
  curioStreamReadWriteServer,
  curioStreamServer,
  curioTlsServer,
  curioUnixServer,
  type EchoServer,
  effectionServer,
  haveC,
  nodeAsyncIterServer,
  nodeNetServer,
  nodeTlsServer,
  nodeUnixServer,
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
      await drive({
        port: server.port,
        path: server.path,
        conns: CONNS,
        size,
        count: Math.max(n, CONNS),
        tls,
      })
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
      targets: [{ vs: 'node net', min: 0.95, stretch: 1.0 }],
      note,
    },
    {
      name: `echo ${size} B x${CONNS} conns, stream read/write`,
      n: MESSAGES,
      unit: 'msg',
      impls: { curio: echo(curioStreamReadWriteServer, size), 'node net': echo(nodeNetServer, size) },
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

/** The socket echo over a Unix socket, against raw `net` on one. */
function unixRow(size: number): Row {
  return {
    name: `echo ${size} B x${CONNS} conns, Unix socket`,
    n: MESSAGES,
    unit: 'msg',
    impls: { curio: echo(curioUnixServer, size), 'node net': echo(nodeUnixServer, size) },
    targets: [{ vs: 'node net', min: 0.9, stretch: 1.0 }],
    note: `server in the bench process (one core); load generator: ${loadgenKind} in its own process`,
  }
}

/**
 * 10,000 connections open at once, each echoing a 100-byte message of its own (every byte
 * checked by the client), then all closed: the server's memory (V8 heap plus buffers) per open
 * connection, and every server socket released (the row fails otherwise).
 */
const scaleRow: Row = {
  name: 'echo 10k conns open at once, memory',
  n: 10_000,
  unit: 'conn',
  kind: 'heap',
  reps: 3,
  impls: {
    curio: (n) => scaleEcho(curioSocketServer, n, 100),
    'node net': (n) => scaleEcho(nodeNetServer, n, 100),
  },
  // The bar (curio ÷ node net at most 1.25x bytes) is read off the ratio column: the harness's
  // targets are absolute for heap rows.
  note: 'client in its own process; bytes: heapUsed + external after gc(), all connections open and echoed once; bar: curio <= 1.25x node net bytes',
}

export const area: Area = {
  name: 'echo',
  rows: [...rows(1000), ...rows(100), unixRow(1000), ...tlsRow(1000), scaleRow],
}
