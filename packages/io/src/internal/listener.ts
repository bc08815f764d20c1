import dns from 'node:dns'
import { isIP, type Socket as NetSocket, type Server } from 'node:net'
import { createSecureContext, TLSSocket, type TlsOptions } from 'node:tls'
import { type Operation, ReadResourceBusy, WaitQueue } from '@curio/kernel'
import { closedError } from '../errors.js'
import { Connection } from './connection.js'

/** A TLS client that has not finished its handshake by then is dropped (Node's `tls.Server` default). */
const HANDSHAKE_MS = 120_000

/**
 * A listening `net.Server` seen from tasks: connections Node accepts wait in a queue (already
 * reading, so no byte is lost) until a task takes them with `accept()`. A cancelled `accept`
 * took nothing, so the next one gets the connection.
 */
export class Listener {
  readonly server: Server
  private readonly pending: Connection[] = []
  private readonly waiters = new WaitQueue({ external: true })
  private error: Error | undefined = undefined
  private closed = false
  /** Set by `secure()`: every connection is a TLS server socket, queued once its handshake is done. */
  private tls: TlsOptions | undefined = undefined
  /** TLS connections still in their handshake, destroyed if the listener closes first. */
  private readonly handshaking = new Set<TLSSocket>()

  constructor(server: Server) {
    this.server = server
    server.on('connection', this.onConnection)
    server.on('error', this.onError)
  }

  private readonly onConnection = (sock: NetSocket): void => {
    if (this.closed) {
      sock.destroy()
      return
    }
    if (this.tls !== undefined) this.handshake(sock, this.tls)
    else this.queue(new Connection(sock, true, { userBuffer: true }))
  }

  private queue(conn: Connection): void {
    this.pending.push(conn)
    this.waiters.wake(1)
  }

  /**
   * Wrap a fresh connection in TLS before anything reads it. It is queued for `accept()` only
   * once the handshake succeeded; a client that fails it (a certificate it rejects, plain text)
   * is dropped here, and the server never sees it, as with Node's `tls.Server`.
   */
  private handshake(raw: NetSocket, options: TlsOptions): void {
    const sock = new TLSSocket(raw, { ...options, isServer: true })
    this.handshaking.add(sock)
    const fail = (): void => {
      clearTimeout(timer)
      this.handshaking.delete(sock)
      sock.destroy()
    }
    const timer = setTimeout(fail, HANDSHAKE_MS).unref()
    sock.once('error', fail)
    sock.once('close', fail)
    sock.once('secure', () => {
      clearTimeout(timer)
      this.handshaking.delete(sock)
      sock.off('error', fail)
      sock.off('close', fail)
      if (this.closed) sock.destroy()
      else this.queue(new Connection(sock, true))
    })
  }

  /**
   * From now on, connections speak TLS with `options` (certificate and key, `requestCert`...).
   * Connections already queued were accepted as plain TCP and cannot be wrapped any more (their
   * first bytes have been read): they are dropped.
   */
  secure(options: TlsOptions): void {
    const secureContext = options.secureContext ?? createSecureContext(options)
    this.tls = { ...options, secureContext }
    for (const conn of this.pending.splice(0)) conn.abort()
  }

  private readonly onError = (error: Error): void => {
    this.error ??= error
    this.waiters.wakeAll()
  }

  /** The error `listen` ended with, once Node has reported it. */
  get failure(): Error | undefined {
    return this.error
  }

  /** The next connection; waits for one. Throws the listen error (EADDRINUSE...) if listening failed. */
  *accept(): Operation<Connection> {
    for (;;) {
      if (this.closed) throw closedError('accept')
      const conn = this.pending.shift()
      if (conn !== undefined) return conn
      if (this.error !== undefined) throw this.error
      if (this.waiters.length > 0) {
        throw new ReadResourceBusy('another task is already waiting to accept on this socket')
      }
      yield* this.waiters.suspend('READ_WAIT')
    }
  }

  /** Stop listening, drop connections nobody accepted yet, wake waiters with EBADF. */
  close(): void {
    if (this.closed) return
    this.closed = true
    // Closing completes on a later turn of the event loop; it must not hold the process.
    this.server.close()
    this.server.unref()
    for (const conn of this.pending.splice(0)) conn.abort()
    for (const sock of this.handshaking) sock.destroy()
    this.handshaking.clear()
    this.waiters.wakeAll()
  }
}

/**
 * `server.listen` on an IP literal, bound and listening when this returns, so `address()`
 * knows the real port at once.
 *
 * Discussion: the contract makes `listen()` a plain method after which `getsockname()` gives
 * the real port, but Node's `listen(port, host)` is asynchronous for one reason only: it passes
 * `host` through `dns.lookup`, which answers an IP literal on the next tick; the bind and listen
 * system calls that follow are synchronous (as they are for Unix paths and host-less listens).
 * So for the length of this one call `dns.lookup` answers our literal synchronously, and the
 * whole listen happens now. No other JavaScript can run inside the call, the original is
 * restored in `finally`, and any other name goes to the original. If a future Node stops
 * resolving through `dns.lookup`, `address()` is simply not known yet: `listenTcp` returns
 * false, and the socket falls back to waiting for Node's `'listening'` event.
 */
export function listenTcp(server: Server, host: string, port: number, backlog: number): boolean {
  const family = isIP(host)
  const original = dns.lookup
  let answered = false
  const lookup = (hostname: string, options: unknown, callback?: (...args: unknown[]) => void) => {
    const cb = typeof options === 'function' ? (options as (...args: unknown[]) => void) : callback!
    if (hostname !== host)
      return (original as (...args: unknown[]) => void).call(dns, hostname, options, callback)
    answered = true
    if (typeof options === 'object' && options !== null && (options as { all?: boolean }).all) {
      cb(null, [{ address: host, family }])
    } else cb(null, host, family)
  }
  ;(dns as { lookup: unknown }).lookup = lookup
  try {
    server.listen({ host, port, backlog })
  } finally {
    ;(dns as { lookup: unknown }).lookup = original
  }
  return answered
}
