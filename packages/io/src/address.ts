import { isIP } from 'node:net'
import { AF_INET, AF_INET6, AF_UNIX } from './constants.js'

/** A socket address: `[host, port]` for IPv4 and IPv6, a filesystem path for Unix sockets. */
export type Address = [host: string, port: number] | string

/** A TCP address resolved enough to bind: an IP literal and a port. */
export interface InetAddress {
  host: string
  port: number
}

/**
 * The IP literal to bind for `host`: `''` is the wildcard of the family, `'localhost'` the
 * loopback. Binding must be synchronous (see `listener.ts`), so other names are refused rather
 * than resolved.
 */
export function bindHost(family: number, host: string): string {
  if (host === '') return family === AF_INET6 ? '::' : '0.0.0.0'
  if (host === 'localhost') return family === AF_INET6 ? '::1' : '127.0.0.1'
  const kind = isIP(host)
  if (kind === 0) {
    throw new TypeError(
      `bind() takes an IP address, '' or 'localhost', got ${JSON.stringify(host)}: resolve names first`,
    )
  }
  if ((kind === 6) !== (family === AF_INET6)) {
    throw new TypeError(`bind(): ${host} is not an ${family === AF_INET6 ? 'IPv6' : 'IPv4'} address`)
  }
  return host
}

/** Check that `addr` has the shape the family uses, and return it as host/port or path. */
export function checkAddress(family: number, addr: Address, what: string): InetAddress | string {
  if (family === AF_UNIX) {
    if (typeof addr !== 'string') throw new TypeError(`${what}: a Unix socket address is a path string`)
    return addr
  }
  if (
    !Array.isArray(addr) ||
    typeof addr[0] !== 'string' ||
    typeof addr[1] !== 'number' ||
    !Number.isInteger(addr[1]) ||
    addr[1] < 0 ||
    addr[1] > 65535
  ) {
    throw new TypeError(`${what}: a TCP address is [host, port] with a port from 0 to 65535`)
  }
  return { host: addr[0], port: addr[1] }
}

/** The family (AF_INET or AF_INET6) Node reports for an address. */
export function familyOf(nodeFamily: string | number | undefined): number {
  return nodeFamily === 'IPv6' || nodeFamily === 6 ? AF_INET6 : AF_INET
}
