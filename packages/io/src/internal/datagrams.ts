import { createSocket, type Socket as DgramSocket, type RemoteInfo } from 'node:dgram'
import dns from 'node:dns'
import { isIP } from 'node:net'
import { type Operation, ReadResourceBusy, WaitQueue, WriteResourceBusy } from '@curio/kernel'
import type { InetAddress } from '../address.js'
import { closedError, systemError } from '../errors.js'

/**
 * Datagrams received and not yet taken, at most. Past it, new ones are dropped, as the OS drops
 * them when its receive buffer is full: UDP never promised delivery, and a socket nobody reads
 * must not grow without bound.
 */
const MAX_QUEUED = 4096

/**
 * Resolve like `dns.lookup`, but answer an IP literal at once. Node's `dgram` passes every
 * address through its `lookup` option, even a literal, and binds only in the callback; answering
 * synchronously makes `bind()` done when it returns, so `getsockname()` knows the real port (the
 * same reasoning as `listenTcp` in listener.ts, here through a public option).
 */
function lookup(host: string, options: unknown, callback?: (...args: unknown[]) => void): void {
  const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void
  const family = isIP(host)
  if (family !== 0) cb(null, host, family)
  else if (typeof options === 'function') dns.lookup(host, cb)
  else dns.lookup(host, options as dns.LookupOptions, cb)
}

/**
 * A `dgram` socket seen from tasks. As with stream connections, a waiting reader is only woken
 * when a datagram arrives and takes it once it runs, so a `recvfrom` cancelled or timed out
 * while waiting has taken nothing and the next one gets the datagram. Waits are external: only
 * the network ends them.
 */
export class Datagrams {
  readonly sock: DgramSocket
  private readonly queue: [Buffer, RemoteInfo][] = []
  private readonly readers = new WaitQueue({ external: true })
  private readonly writers = new WaitQueue({ external: true })
  private error: Error | undefined = undefined
  private closed = false
  bound = false
  connected = false

  constructor(ipv6: boolean, reuseAddr: boolean) {
    this.sock = createSocket({ type: ipv6 ? 'udp6' : 'udp4', reuseAddr, lookup: lookup as never })
    this.sock.on('message', this.onMessage)
    this.sock.on('error', this.onError)
    this.sock.on('listening', () => {
      this.bound = true
    })
  }

  private readonly onMessage = (data: Buffer, from: RemoteInfo): void => {
    if (this.queue.length >= MAX_QUEUED) return
    this.queue.push([data, from])
    this.readers.wake(1)
  }

  private readonly onError = (error: Error): void => {
    this.error ??= error
    this.readers.wakeAll()
    this.writers.wakeAll()
  }

  private check(syscall: string): void {
    if (this.closed) throw closedError(syscall)
    if (this.error !== undefined) throw this.error
  }

  /** Bind now (an IP literal, so Node binds before this returns). */
  bind(addr: InetAddress): void {
    this.check('bind')
    this.sock.bind({ address: addr.host, port: addr.port })
    this.bound = true
  }

  /** The next datagram, cut to `max` bytes (the rest of it is lost, as with BSD sockets). */
  *recvfrom(max: number, syscall: string): Operation<[Buffer, RemoteInfo]> {
    for (;;) {
      this.check(syscall)
      const next = this.queue.shift()
      if (next !== undefined) {
        const [data, from] = next
        return [data.length > max ? data.subarray(0, max) : data, from]
      }
      if (this.readers.length > 0) {
        throw new ReadResourceBusy('another task is already waiting to read from this socket')
      }
      yield* this.readers.suspend('READ_WAIT')
    }
  }

  /**
   * Send one datagram (to `to`, or to the connected peer); returns once Node is done with
   * `data`, so the buffer may be reused.
   */
  *sendto(data: Uint8Array, to: InetAddress | undefined, syscall: string): Operation<void> {
    this.check(syscall)
    if (to === undefined && !this.connected) {
      throw systemError('EDESTADDRREQ', syscall, 'socket is not connected; use sendto')
    }
    if (to !== undefined && this.connected) throw systemError('EISCONN', syscall, 'socket is connected')
    if (this.writers.length > 0) {
      throw new WriteResourceBusy('another task is already waiting to write to this socket')
    }
    const done: { error: Error | null | undefined; finished: boolean } = { error: undefined, finished: false }
    const callback = (error: Error | null): void => {
      done.error = error
      done.finished = true
      this.writers.wakeAll()
    }
    if (to === undefined) this.sock.send(data, callback)
    else this.sock.send(data, to.port, to.host, callback)
    this.bound = true
    while (!done.finished) {
      if (this.closed) throw closedError(syscall)
      yield* this.writers.suspend('WRITE_WAIT')
    }
    if (done.error) throw done.error
  }

  /** Fix the peer: later datagrams go there, and only its datagrams are received. */
  *connect(to: InetAddress): Operation<void> {
    this.check('connect')
    const done: { error: Error | null | undefined; finished: boolean } = { error: undefined, finished: false }
    this.sock.connect(to.port, to.host, (error?: Error) => {
      done.error = error
      done.finished = true
      this.writers.wakeAll()
    })
    while (!done.finished) {
      if (this.closed) throw closedError('connect')
      yield* this.writers.suspend('CONNECT_WAIT')
    }
    if (done.error) throw done.error
    this.bound = true
    this.connected = true
  }

  /** Close now; waiting tasks get EBADF. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.queue.length = 0
    try {
      this.sock.close()
    } catch {
      // Never bound: nothing to release.
    }
    this.readers.wakeAll()
    this.writers.wakeAll()
  }
}
