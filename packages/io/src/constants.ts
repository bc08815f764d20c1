// BSD socket constants, with Linux's values, so ported Curio programs read the same. Only their
// identity matters to this library: Node chooses the real values for its own sockets.

/** IPv4 address family: addresses are `[host, port]`. */
export const AF_INET = 2
/** IPv6 address family: addresses are `[host, port]`. */
export const AF_INET6 = 10
/** Unix-domain socket family: addresses are filesystem paths. */
export const AF_UNIX = 1
/** Stream socket type (TCP, or a Unix stream socket). */
export const SOCK_STREAM = 1
/** Datagram socket type (UDP). */
export const SOCK_DGRAM = 2
/** `setsockopt` level of the socket options. */
export const SOL_SOCKET = 1
/** Allow binding a port still in TIME_WAIT. Node always sets it on listening sockets. */
export const SO_REUSEADDR = 2
/** Send keep-alive probes on an idle connection. */
export const SO_KEEPALIVE = 9
/** `setsockopt` level of the TCP options. */
export const IPPROTO_TCP = 6
/** Send small writes at once (Nagle off). On by default for sockets this library creates. */
export const TCP_NODELAY = 1
/** `shutdown(SHUT_RD)`: no more reading. */
export const SHUT_RD = 0
/** `shutdown(SHUT_WR)`: no more writing; the peer reads end of stream. */
export const SHUT_WR = 1
/** `shutdown(SHUT_RDWR)`: both. */
export const SHUT_RDWR = 2
