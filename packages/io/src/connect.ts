import { isIP } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import type { Operation } from '@curio/kernel'
import { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM } from './constants.js'
import { Socket } from './socket.js'

/** Options for `openConnection`. */
export interface OpenConnectionOptions {
  /** Connect from this local address: `[host, port]` (port 0: any). */
  sourceAddr?: [host: string, port: number]
  /**
   * Speak TLS: `true` with Node's defaults (the system's CAs, certificate checked), or
   * `node:tls` connect options (`ca`, `cert`, `key`, `rejectUnauthorized`...). The handshake is
   * part of connecting: a certificate the client rejects is the connect error, with Node's code
   * (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`...).
   */
  ssl?: boolean | ConnectionOptions
  /** The name to send (SNI) and check the certificate against; default `host` when it is a name. */
  serverHostname?: string
}

/**
 * Connect to `host:port` (a name is resolved; IPv6 when the address is one) and return the
 * connected socket, `TCP_NODELAY` on; with `ssl`, a TLS connection with the same interface.
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
    const { ssl, serverHostname } = options
    if (ssl) {
      const servername = serverHostname ?? (isIP(host) === 0 ? host : undefined)
      sock._tls = { ...(ssl === true ? {} : ssl), ...(servername !== undefined ? { servername } : {}) }
    }
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
