import { isIP } from 'node:net'
import type { Operation } from '@curio/kernel'
import { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM } from './constants.js'
import { Socket } from './socket.js'

/** Options for `openConnection`. */
export interface OpenConnectionOptions {
  /** Connect from this local address: `[host, port]` (port 0: any). */
  sourceAddr?: [host: string, port: number]
}

/**
 * Connect to `host:port` (a name is resolved; IPv6 when the address is one) and return the
 * connected socket, `TCP_NODELAY` on.
 *
 * @example
 * ```ts
 * const sock = yield* openConnection('127.0.0.1', 25000)
 * yield* sock.sendall(Buffer.from('hello'))
 * ```
 */
export function* openConnection(
  host: string,
  port: number,
  options: OpenConnectionOptions = {},
): Operation<Socket> {
  const sock = new Socket(isIP(host) === 6 ? AF_INET6 : AF_INET, SOCK_STREAM)
  try {
    if (options.sourceAddr !== undefined) sock.bind(options.sourceAddr)
    yield* sock.connect([host, port])
  } catch (error) {
    sock.close()
    throw error
  }
  return sock
}

/** Connect to the Unix socket at `path` and return the connected socket. */
export function* openUnixConnection(path: string): Operation<Socket> {
  const sock = new Socket(AF_UNIX, SOCK_STREAM)
  try {
    yield* sock.connect(path)
  } catch (error) {
    sock.close()
    throw error
  }
  return sock
}
