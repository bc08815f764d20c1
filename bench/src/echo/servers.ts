/**
 * The echo servers the benchmark compares, each started on 127.0.0.1 with a free port and
 * stopped after its run. All set TCP_NODELAY, as curio does for every socket it creates.
 */
import { type ChildProcess, spawn as spawnProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type Socket as NetSocket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createTlsServer, type TlsOptions } from 'node:tls'
import { AF_UNIX, runServer, SOCK_STREAM, type Socket, socket, tcpServerSocket } from '@curio/io'
import { awaitPromise, type Operation, run, spawn } from '@curio/kernel'
import { createSignal, each, run as effectionRun, spawn as effectionSpawn, until } from 'effection'
import { buildC } from './loadgen.js'

/** A running echo server: on 127.0.0.1:port, or on a Unix socket at `path`. */
export interface EchoServer {
  port: number
  path?: string
  stop(): Promise<void>
}

let socketPaths = 0

/** A fresh Unix socket path in the temp dir. */
function socketPath(): string {
  return join(tmpdir(), `curio-bench-echo-${process.pid}-${socketPaths++}.sock`)
}

// ---- curio -----------------------------------------------------------------------------

/** Curio's README echo handler (examples/echoserv.ts): recv and sendall. */
function* socketEcho(client: Socket): Operation<void> {
  for (;;) {
    const data = yield* client.recv(100000)
    if (data.length === 0) return
    yield* client.sendall(data)
  }
}

/** The same over a stream, a line at a time. */
function* streamEcho(client: Socket): Operation<void> {
  const stream = client.asStream()
  for (;;) {
    const line = yield* stream.readline()
    if (line.length === 0) return
    yield* stream.write(line)
  }
}

/** The same through the socket's stream: read and write. */
function* streamReadWriteEcho(client: Socket): Operation<void> {
  const stream = client.asStream()
  for (;;) {
    const data = yield* stream.read(100000)
    if (data.length === 0) return
    yield* stream.write(data)
  }
}

function curioServer(
  handler: (client: Socket) => Operation<void>,
  ssl?: TlsOptions,
  path?: string,
): Promise<EchoServer> {
  return new Promise((resolve, reject) => {
    let stop!: () => void
    const stopped = new Promise<void>((r) => (stop = r))
    const done = run(function* () {
      let sock: Socket
      if (path === undefined) sock = tcpServerSocket('127.0.0.1', 0, { backlog: 1024 })
      else {
        sock = socket(AF_UNIX, SOCK_STREAM)
        sock.bind(path)
        sock.listen(1024)
      }
      const server = yield* spawn(runServer(sock, handler, ssl ? { ssl } : {}))
      resolve({
        port: path === undefined ? (sock.getsockname() as [string, number])[1] : 0,
        ...(path !== undefined ? { path } : {}),
        stop: () => {
          stop()
          return done
        },
      })
      yield* awaitPromise(stopped)
      yield* server.cancel()
    })
    done.catch(reject)
  })
}

export const curioSocketServer = () => curioServer(socketEcho)
export const curioStreamServer = () => curioServer(streamEcho)
export const curioStreamReadWriteServer = () => curioServer(streamReadWriteEcho)
/** Curio's echo handler on a Unix socket. */
export const curioUnixServer = () => curioServer(socketEcho, undefined, socketPath())
/** Curio's echo handler over TLS (`runServer(..., { ssl })`), the handler unchanged. */
export const curioTlsServer = (ssl: TlsOptions) => curioServer(socketEcho, ssl)

// ---- plain Node ------------------------------------------------------------------------

function nodeServer(onConnection: (sock: NetSocket) => void, path?: string): Promise<EchoServer> {
  const server = createServer({ noDelay: true }, onConnection)
  return new Promise((resolve) => {
    const listening = () =>
      resolve({
        port: path === undefined ? (server.address() as { port: number }).port : 0,
        ...(path !== undefined ? { path } : {}),
        stop: () => new Promise<void>((r) => server.close(() => r())),
      })
    if (path === undefined) server.listen(0, '127.0.0.1', listening)
    else server.listen(path, listening)
  })
}

const echoData = (sock: NetSocket) => sock.on('data', (data) => sock.write(data))

/** Raw `net` callbacks: the fastest Node gets. */
export const nodeNetServer = () => nodeServer(echoData)
/** Raw `net` callbacks on a Unix socket. */
export const nodeUnixServer = () => nodeServer(echoData, socketPath())

/** Raw `tls` callbacks: Node's `tls.Server`, echoing in the 'data' handler. */
export function nodeTlsServer(ssl: TlsOptions): Promise<EchoServer> {
  // Every connection is destroyed at stop, so none outlives the row.
  const open = new Set<NetSocket>()
  const server = createTlsServer({ ...ssl, noDelay: true }, (sock) => {
    open.add(sock)
    sock.on('close', () => open.delete(sock))
    sock.on('error', () => {})
    sock.on('data', (data) => sock.write(data))
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        stop: () =>
          new Promise<void>((r) => {
            for (const sock of open) sock.destroy()
            server.close(() => r())
          }),
      })
    })
  })
}

/** Async iteration over the socket, awaiting 'drain' when write says so. */
export const nodeAsyncIterServer = () =>
  nodeServer(async (sock) => {
    try {
      for await (const chunk of sock) if (!sock.write(chunk)) await once(sock, 'drain')
    } catch {
      // the client went away
    }
    sock.end()
  })

// ---- Effection 4 -----------------------------------------------------------------------

/** Effection has no socket library: events become a signal stream, one task per connection. */
export function effectionServer(): Promise<EchoServer> {
  const server = createServer({ noDelay: true, pauseOnConnect: true })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const task = effectionRun(function* () {
        const connections = createSignal<NetSocket, void>()
        server.on('connection', connections.send)
        for (const sock of yield* each(connections)) {
          yield* effectionSpawn(function* () {
            const chunks = createSignal<Buffer, void>()
            sock.on('data', chunks.send)
            sock.on('end', () => chunks.close())
            sock.on('error', () => chunks.close())
            const subscription = yield* chunks
            sock.resume()
            for (let next = yield* subscription.next(); !next.done; next = yield* subscription.next()) {
              if (!sock.write(next.value)) yield* until(once(sock, 'drain'))
            }
            sock.end()
          })
          yield* each.next()
        }
      })
      resolve({
        port: (server.address() as { port: number }).port,
        stop: async () => {
          await task.halt()
          await new Promise<void>((r) => server.close(() => r()))
        },
      })
    })
  })
}

// ---- C epoll: the ceiling --------------------------------------------------------------

const cServer = buildC('epoll-echo')

/** True when a C compiler built the epoll server (else its row is left out). */
export const haveC = cServer !== undefined

export async function cEpollServer(): Promise<EchoServer> {
  const child: ChildProcess = spawnProcess(cServer!, [], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = (await once(child.stdout!, 'data')) as [Buffer]
  return {
    port: Number(line.toString().trim()),
    stop: async () => {
      child.kill()
      await once(child, 'exit')
    },
  }
}
