/**
 * The echo server against raw Node `net`: a load generator in a separate process (32
 * connections, request/response, 100-byte and 1000-byte messages) drives, in one run, the
 * curio socket echo (recv/sendall, Curio's README program), the curio stream echo
 * (readline/write), raw `net` callbacks, Node async iteration with awaited drain, Effection 4,
 * and, when a C compiler exists, a C epoll server: the ceiling of this client.
 */

import { drive, loadgenKind } from './echo/loadgen.js'
import {
  cEpollServer,
  curioSocketServer,
  curioStreamServer,
  type EchoServer,
  effectionServer,
  haveC,
  nodeAsyncIterServer,
  nodeNetServer,
} from './echo/servers.js'
import type { Area, Impl, Row } from './harness.js'

const CONNS = 32
// Small enough for several runs within the harness budget: the best one is kept, which matters on
// a shared machine.
const MESSAGES = 40_000

/** `n` echoed messages of `size` bytes through a fresh server. */
function echo(start: () => Promise<EchoServer>, size: number): Impl {
  return async (n) => {
    const server = await start()
    try {
      await drive({ port: server.port, conns: CONNS, size, count: Math.max(n, CONNS) })
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

export const area: Area = { name: 'echo', rows: [...rows(1000), ...rows(100)] }
