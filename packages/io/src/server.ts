import { isIP } from 'node:net'
import type { TlsOptions } from 'node:tls'
import { disableCancellation, type Operation, spawn } from '@curio/kernel'
import type { Address } from './address.js'
import { AF_INET, AF_INET6, AF_UNIX, SO_REUSEADDR, SOCK_STREAM, SOL_SOCKET } from './constants.js'
import { ServedConnection, type Server } from './internal/served-connection.js'
import { Socket } from './socket.js'

/** Runs once per connection, as its own task; the connection is closed when it ends. */
export type ConnectionHandler = (client: Socket, addr: Address) => Operation<unknown>

/** Options for `runServer` and `unixServer`. */
export interface ServerOptions {
  /**
   * Called when a handler throws (the server keeps serving). Default: `console.error` with the
   * peer address and the stack.
   */
  onError?: (error: unknown, addr: Address) => void
  /**
   * Serve TLS: `node:tls` server options (`key` and `cert`, or `pfx`, or a `secureContext`;
   * `requestCert`...). Handlers get sockets that have finished the handshake; a client that
   * fails it never reaches a handler.
   */
  ssl?: TlsOptions
}

/** Options for `tcpServer`. */
export interface TcpServerOptions extends ServerOptions {
  /** Listen backlog (default 511). */
  backlog?: number
}

function reportHandlerCrash(error: unknown, addr: Address): void {
  const who = typeof addr === 'string' ? addr || 'unix peer' : `${addr[0]}:${addr[1]}`
  console.error(`curio: connection handler for ${who} crashed:`, error instanceof Error ? error.stack : error)
}

/**
 * A listening TCP socket on `host:port` (`''` for every address, port 0 for any port), with
 * `SO_REUSEADDR`; plain, not an operation: the real port is known when it returns.
 */
export function tcpServerSocket(host: string, port: number, options: { backlog?: number } = {}): Socket {
  const sock = new Socket(isIP(host) === 6 ? AF_INET6 : AF_INET, SOCK_STREAM)
  try {
    sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, true)
    sock.bind([host, port])
    sock.listen(options.backlog)
  } catch (error) {
    sock.close()
    throw error
  }
  return sock
}

/**
 * Accept connections on `sock` for ever, running `handler(client, addr)` as a task per
 * connection. A handler that throws is reported (`onError`) and its connection closed; the
 * server keeps serving. Cancelling the server cancels every handler and closes every socket.
 */
export function* runServer(
  sock: Socket,
  handler: ConnectionHandler,
  options: ServerOptions = {},
): Operation<never> {
  const server: Server = { handler, onError: options.onError ?? reportHandlerCrash, live: new Set() }
  const name = handler.name || 'connection'
  try {
    if (options.ssl !== undefined) sock._secure(options.ssl)
    for (;;) {
      const [client] = yield* sock.accept()
      // Not a `function*` made here: see `ServedConnection` for what that cost per connection.
      const served = new ServedConnection(server, client)
      served.task = yield* spawn(served as unknown as Operation<void>, { name })
      server.live.add(served)
    }
  } finally {
    sock.close()
    // Shielded, so a second cancellation cannot leave handlers behind.
    yield* disableCancellation(function* () {
      const tasks = [...server.live].map((served) => served.task!)
      for (const task of tasks) yield* task.cancel({ blocking: false })
      for (const task of tasks) yield* task.wait()
    })
  }
}

/**
 * Serve TCP connections on `host:port` with `handler` (Curio's `tcp_server`): a task per
 * connection, for ever, until cancelled.
 *
 * @example
 * ```ts
 * function* echo(client: Socket, addr: Address): Operation<void> {
 *   for (let data = yield* client.recv(65536); data.length > 0; data = yield* client.recv(65536)) {
 *     yield* client.sendall(data)
 *   }
 * }
 * await run(tcpServer('', 25000, echo))
 * ```
 */
export function* tcpServer(
  host: string,
  port: number,
  handler: ConnectionHandler,
  options: TcpServerOptions = {},
): Operation<never> {
  return yield* runServer(tcpServerSocket(host, port, options), handler, options)
}

/** Serve connections on the Unix socket at `path` with `handler`, as `tcpServer` does. */
export function* unixServer(
  path: string,
  handler: ConnectionHandler,
  options: ServerOptions = {},
): Operation<never> {
  const sock = new Socket(AF_UNIX, SOCK_STREAM)
  try {
    sock.bind(path)
    sock.listen()
  } catch (error) {
    sock.close()
    throw error
  }
  return yield* runServer(sock, handler, options)
}
