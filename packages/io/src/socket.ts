import { type AddressInfo, createServer, type Socket as NetSocket, connect as netConnect } from 'node:net'
import { type ConnectionOptions, type TlsOptions, connect as tlsConnect } from 'node:tls'
import type { Operation } from '@curio/kernel'
import { type Address, bindHost, checkAddress, familyOf, type InetAddress } from './address.js'
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IPPROTO_TCP,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_KEEPALIVE,
  SO_REUSEADDR,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  TCP_NODELAY,
} from './constants.js'
import { closedError, systemError } from './errors.js'
import { Connection } from './internal/connection.js'
import { Datagrams } from './internal/datagrams.js'
import { checkSize, ReadOp, WriteOp } from './internal/io-op.js'
import { Listener, listenTcp } from './internal/listener.js'
import { SocketStream } from './socket-stream.js'

/**
 * A BSD-style socket, so Curio programs port line by line: `bind`/`listen`/`accept` for a
 * server, `connect` for a client, `recv`/`sendall` on a connection. Blocking calls are
 * operations (`yield*`); `close()` never blocks.
 *
 * @example
 * ```ts
 * const sock = socket(AF_INET, SOCK_STREAM)
 * sock.bind(['127.0.0.1', 0])
 * sock.listen()
 * const [client, addr] = yield* sock.accept()
 * ```
 */
export class Socket implements Disposable {
  /** `AF_INET`, `AF_INET6` or `AF_UNIX`. */
  family: number
  /** `SOCK_STREAM` or `SOCK_DGRAM`. */
  readonly type: number
  /** @internal the connection, once connected or accepted */
  _conn: Connection | undefined = undefined
  private listener: Listener | undefined = undefined
  private bound: InetAddress | string | undefined = undefined
  /**
   * The peer's address, for a socket that connected itself; an accepted socket reads it from its
   * connection when asked (Node keeps it once read), so it holds no copy of its own.
   */
  private peer: Address | undefined = undefined
  private closed = false
  private noDelay = true
  private keepAlive = false
  private reuseAddr = false
  /** A `SOCK_DGRAM` socket's `dgram` socket, made at its first use. */
  private udp: Datagrams | undefined = undefined
  /** @internal set by `openConnection({ ssl })`: `connect` makes a TLS connection with these options */
  _tls: ConnectionOptions | undefined = undefined

  /** A new, unconnected socket; `socket(family, type)` is the usual spelling. */
  constructor(family: number = AF_INET, type: number = SOCK_STREAM) {
    if (family !== AF_INET && family !== AF_INET6 && family !== AF_UNIX) {
      throw new TypeError(`socket family must be AF_INET, AF_INET6 or AF_UNIX, got ${family}`)
    }
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM) {
      throw new TypeError(`socket type must be SOCK_STREAM or SOCK_DGRAM, got ${type}`)
    }
    if (type === SOCK_DGRAM && family === AF_UNIX) {
      throw new TypeError('SOCK_DGRAM sockets are AF_INET or AF_INET6 (Node has no Unix datagram sockets)')
    }
    this.family = family
    this.type = type
  }

  /** @internal a socket for an accepted connection */
  static _connected(conn: Connection, family: number): Socket {
    const sock = new Socket(family, SOCK_STREAM)
    sock._conn = conn
    return sock
  }

  // ---- setting up ------------------------------------------------------------------------

  /** Choose the local address: `[host, port]` (`''` is any address, port 0 any port) or a path. */
  bind(addr: Address): void {
    this.checkFresh('bind')
    if (this.bound !== undefined) throw systemError('EINVAL', 'bind', 'socket is already bound')
    const target = checkAddress(this.family, addr, 'bind')
    this.bound =
      typeof target === 'string' ? target : { host: bindHost(this.family, target.host), port: target.port }
    if (this.type === SOCK_DGRAM) this.datagrams('bind').bind(this.bound as InetAddress)
  }

  /**
   * Start accepting connections. When this returns the socket is listening and `getsockname()`
   * gives the real port. A failure to listen (EADDRINUSE...) is thrown by the next `accept()`.
   */
  listen(backlog = 511): void {
    this.checkFresh('listen')
    this.notDatagram('listen')
    if (this.listener !== undefined) return
    const server = createServer({ allowHalfOpen: true, noDelay: this.noDelay, keepAlive: this.keepAlive })
    this.listener = new Listener(server)
    const bound = this.bound ?? { host: bindHost(this.family, ''), port: 0 }
    if (typeof bound === 'string') server.listen({ path: bound, backlog })
    else listenTcp(server, bound.host, bound.port, backlog)
  }

  /** Wait for a connection; returns the connected socket and the peer's address. */
  *accept(): Operation<[Socket, Address]> {
    this.notDatagram('accept')
    const listener = this.listener
    if (listener === undefined) {
      throw this.closed ? closedError('accept') : systemError('EINVAL', 'accept', 'socket is not listening')
    }
    const conn = yield* listener.accept()
    // Read now, while the connection is surely open: Node keeps it for `getpeername` later.
    const peer = peerAddress(conn.sock, this.family)
    return [Socket._connected(conn, this.family), peer]
  }

  /** Connect to `addr` (`[host, port]`, host names resolved, or a Unix path). */
  *connect(addr: Address): Operation<void> {
    this.checkFresh('connect')
    if (this.listener !== undefined) throw systemError('EINVAL', 'connect', 'socket is listening')
    const target = checkAddress(this.family, addr, 'connect')
    if (this.type === SOCK_DGRAM) {
      const udp = this.datagrams('connect')
      yield* udp.connect(target as InetAddress)
      const peer = udp.sock.remoteAddress()
      this.peer = [peer.address, peer.port]
      return
    }
    const conn = new Connection(this.dial(target), false, {
      connectEvent: this._tls ? 'secureConnect' : 'connect',
    })
    this._conn = conn
    try {
      yield* conn.waitConnected()
    } catch (error) {
      this._conn = undefined
      conn.abort()
      throw error
    }
    const sock = conn.sock
    if (typeof target === 'string') this.peer = target
    else {
      this.family = familyOf(sock.remoteFamily)
      this.peer = [sock.remoteAddress ?? target.host, sock.remotePort ?? target.port]
    }
  }

  private dial(target: InetAddress | string): NetSocket {
    if (typeof target === 'string') return netConnect({ path: target, allowHalfOpen: true })
    const local = typeof this.bound === 'object' ? this.bound : undefined
    const options = {
      host: target.host,
      port: target.port,
      allowHalfOpen: true,
      noDelay: this.noDelay,
      keepAlive: this.keepAlive,
      ...(this.family === AF_INET6 ? { family: 6 } : {}),
      ...(local !== undefined ? { localAddress: local.host, localPort: local.port } : {}),
    }
    return this._tls ? tlsConnect({ ...this._tls, ...options }) : netConnect(options)
  }

  /**
   * @internal `runServer(sock, handler, { ssl })`: connections accepted from now on speak TLS
   * (see `Listener.secure`).
   */
  _secure(options: TlsOptions): void {
    if (this.listener === undefined) {
      throw this.closed ? closedError('accept') : systemError('EINVAL', 'accept', 'socket is not listening')
    }
    this.listener.secure(options)
  }

  // ---- data ------------------------------------------------------------------------------

  /**
   * Up to `maxbytes` bytes, waiting until at least one has arrived; an empty array at end of
   * stream (and on every later call). Cancelled or timed out, it has taken nothing.
   */
  recv(maxbytes: number): Operation<Buffer> {
    if (this.type === SOCK_DGRAM) return this.recvDatagram(maxbytes)
    // One small object, no generator: the hot path of every socket server (see `IoOp`).
    return new ReadOp(this, maxbytes, 'recv', true) as unknown as Operation<Buffer>
  }

  private *recvDatagram(maxbytes: number): Operation<Buffer> {
    checkSize(maxbytes, 'recv')
    return (yield* this.datagrams('recv').recvfrom(maxbytes, 'recv'))[0]
  }

  /** Like `recv`, into `buf`; returns the byte count (0 at end of stream). */
  *recvInto(buf: Uint8Array): Operation<number> {
    if (this.type === SOCK_DGRAM) {
      const [data] = yield* this.datagrams('recv_into').recvfrom(buf.length, 'recv_into')
      buf.set(data)
      return data.length
    }
    const conn = this.connection('recv_into')
    for (;;) {
      if (conn.buffered > 0 || buf.length === 0) return conn.takeInto(buf)
      if (conn.ended('recv_into')) return 0
      yield* conn.waitReadable()
    }
  }

  /**
   * Send `data`; returns the byte count (always all of it: Node takes whole buffers). Waits
   * while Node still holds the data, so the buffer may be reused afterwards.
   */
  send(data: Uint8Array): Operation<number> {
    if (this.type === SOCK_DGRAM) return this.sendDatagram(data, true, 'send') as Operation<number>
    return new WriteOp(this, data, 'send', true) as unknown as Operation<number>
  }

  /** Send all of `data`, respecting backpressure; returns once Node has taken all of it. */
  sendall(data: Uint8Array): Operation<void> {
    if (this.type === SOCK_DGRAM) return this.sendDatagram(data, false, 'sendall') as Operation<void>
    return new WriteOp(this, data, 'sendall', false) as unknown as Operation<void>
  }

  private *sendDatagram(data: Uint8Array, counts: boolean, syscall: string): Operation<number | undefined> {
    yield* this.datagrams(syscall).sendto(data, undefined, syscall)
    return counts ? data.length : undefined
  }

  /**
   * The next datagram and its sender, cut to `maxbytes` (the rest of a longer datagram is lost,
   * as with BSD sockets). Cancelled or timed out while waiting, it has taken nothing: the
   * datagram goes to the next call. On a stream socket: `recv` and the peer's address.
   */
  *recvfrom(maxbytes: number): Operation<[Buffer, Address]> {
    checkSize(maxbytes, 'recvfrom')
    if (this.type !== SOCK_DGRAM) return [yield* this.recv(maxbytes), this.getpeername()]
    const [data, from] = yield* this.datagrams('recvfrom').recvfrom(maxbytes, 'recvfrom')
    return [data, [from.address, from.port]]
  }

  /**
   * Send one datagram to `addr` (`[host, port]`; a name is resolved); returns the byte count once
   * Node is done with `data`. An unbound socket is bound to any port first, as in BSD.
   */
  *sendto(data: Uint8Array, addr: Address): Operation<number> {
    if (this.type !== SOCK_DGRAM) throw systemError('EISCONN', 'sendto', 'a stream socket sends with send')
    const target = checkAddress(this.family, addr, 'sendto') as InetAddress
    yield* this.datagrams('sendto').sendto(data, target, 'sendto')
    return data.length
  }

  /** A `SocketStream` over this connection (file-like reads, `readline`, `write`). */
  asStream(): SocketStream {
    this.notDatagram('as_stream')
    this.connection('as_stream')
    return new SocketStream(this)
  }

  // ---- plain methods ---------------------------------------------------------------------

  /** `SHUT_WR`: send FIN after pending data (the peer reads end of stream); `SHUT_RD`: stop reading. */
  shutdown(how: number): void {
    this.notDatagram('shutdown')
    const conn = this.connection('shutdown')
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) {
      throw new TypeError(`shutdown takes SHUT_RD, SHUT_WR or SHUT_RDWR, got ${how}`)
    }
    if (how !== SHUT_WR) conn.shutdownRead()
    if (how !== SHUT_RD) conn.shutdownWrite()
  }

  /**
   * Close without blocking: waiting tasks get an EBADF error, so do later calls. Data already
   * handed to Node is still sent, then FIN (never a reset).
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    this._conn?.close()
    this.listener?.close()
    this.udp?.close()
  }

  /** `using sock = socket(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close()
  }

  /** Set `TCP_NODELAY` (on by default), `SO_KEEPALIVE` or `SO_REUSEADDR` (always on in Node). */
  setsockopt(level: number, option: number, value: number | boolean): void {
    if (this.closed) throw closedError('setsockopt')
    const on = Boolean(value)
    if (level === IPPROTO_TCP && option === TCP_NODELAY) {
      this.noDelay = on
      this._conn?.sock.setNoDelay(on)
    } else if (level === SOL_SOCKET && option === SO_KEEPALIVE) {
      this.keepAlive = on
      this._conn?.sock.setKeepAlive(on)
    } else if (level === SOL_SOCKET && option === SO_REUSEADDR) {
      // Node sets it on every listening TCP socket; a datagram socket takes it when made.
      this.reuseAddr = on
    } else {
      throw systemError('ENOPROTOOPT', 'setsockopt', `option ${level}/${option} is not supported`)
    }
  }

  /** The local address: the real port once listening or connected. */
  getsockname(): Address {
    if (this.closed) throw closedError('getsockname')
    if (this.udp?.bound) {
      const info = this.udp.sock.address()
      return [info.address, info.port]
    }
    const listening = this.listener?.server.address()
    if (listening != null) return toAddress(listening)
    const conn = this._conn
    if (conn !== undefined) {
      if (this.family === AF_UNIX) return typeof this.bound === 'string' ? this.bound : ''
      return [conn.sock.localAddress ?? '', conn.sock.localPort ?? 0]
    }
    const failure = this.listener?.failure
    if (failure !== undefined) throw failure
    const bound = this.bound
    if (bound === undefined) return this.family === AF_UNIX ? '' : [bindHost(this.family, ''), 0]
    return typeof bound === 'string' ? bound : [bound.host, bound.port]
  }

  /** The peer's address; ENOTCONN when not connected. */
  getpeername(): Address {
    if (this.closed) throw closedError('getpeername')
    const peer = this._peer()
    if (peer === undefined) throw systemError('ENOTCONN', 'getpeername', 'socket is not connected')
    return peer
  }

  /** @internal the peer's address (even once closed), or undefined when not connected */
  _peer(): Address | undefined {
    if (this.peer !== undefined) return this.peer
    const conn = this._conn
    return conn?.connected ? peerAddress(conn.sock, this.family) : undefined
  }

  toString(): string {
    const state = this.closed ? 'closed' : this.listener ? 'listening' : this._conn ? 'connected' : 'fresh'
    return `Socket(${this.family === AF_UNIX ? 'unix' : this.family === AF_INET6 ? 'inet6' : 'inet'}, ${state})`
  }

  /** @internal the connection, or the error a data call on this socket gets */
  connection(syscall: string): Connection {
    const conn = this._conn
    if (conn !== undefined && !this.closed) return conn
    if (this.closed) throw closedError(syscall)
    throw systemError('ENOTCONN', syscall, 'socket is not connected')
  }

  /** The `dgram` socket of a `SOCK_DGRAM` socket, made now if need be. */
  private datagrams(syscall: string): Datagrams {
    if (this.closed) throw closedError(syscall)
    this.udp ??= new Datagrams(this.family === AF_INET6, this.reuseAddr)
    return this.udp
  }

  private notDatagram(syscall: string): void {
    if (this.type === SOCK_DGRAM) {
      throw systemError('EOPNOTSUPP', syscall, 'not supported on a datagram (SOCK_DGRAM) socket')
    }
  }

  private checkFresh(syscall: string): void {
    if (this.closed) throw closedError(syscall)
    if (this._conn !== undefined) throw systemError('EISCONN', syscall, 'socket is already connected')
  }
}

/** Create a socket: `socket(AF_INET, SOCK_STREAM)`, as in Python. */
export function socket(family: number = AF_INET, type: number = SOCK_STREAM): Socket {
  return new Socket(family, type)
}

function toAddress(info: AddressInfo | string): Address {
  return typeof info === 'string' ? info : [info.address, info.port]
}

function peerAddress(sock: NetSocket, family: number): Address {
  if (family === AF_UNIX) return ''
  return [sock.remoteAddress ?? '', sock.remotePort ?? 0]
}
