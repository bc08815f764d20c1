import type { Socket as NetSocket } from 'node:net'
import type { Duplex } from 'node:stream'
import { type Operation, ReadResourceBusy, WaitQueue, WriteResourceBusy } from '@curio/kernel'
import { closedError, systemError } from '../errors.js'
import { readIntoSharedBuffer } from './user-buffer.js'

/** Stop reading from the OS once this much is buffered and no task is waiting to read. */
const HIGH_WATER = 256 * 1024
/** Start reading again once the buffer has been drained below this. */
const LOW_WATER = 64 * 1024
/**
 * After `close()` has sent our FIN, how long to wait for the peer's before dropping the
 * connection anyway (a peer that never closes must not hold a file descriptor forever).
 */
const LINGER_MS = 2000

/** How a `Connection` uses its stream (defaults: a connected TCP socket). */
export interface ConnectionOptions {
  /**
   * The event that makes an unconnected socket usable: `'connect'` for TCP, `'secureConnect'`
   * for a TLS client (the handshake is part of connecting, so a certificate error is the
   * connect error).
   */
  connectEvent?: string
  /** False for a write-only stream (stdout): no read listeners. */
  readable?: boolean
  /**
   * False for a read-only stream (a child's output): `close()` destroys it at once, since there
   * is nothing to send, and the writer at the other end must learn that nobody reads (EPIPE).
   */
  writable?: boolean
  /**
   * Read from the OS only while a task waits to read (stdin): a program that has read what it
   * wanted must be free to exit, and a stream read while nobody asks would keep it alive.
   */
  readOnDemand?: boolean
  /**
   * An accepted plain `net.Socket`: read below the stream machinery into a shared buffer
   * (`readIntoSharedBuffer`), where this Node allows it.
   */
  userBuffer?: boolean
}

/** What `recv` returns at end of stream. Zero bytes long, so sharing it is harmless. */
export const EMPTY: Buffer = Buffer.alloc(0)

/**
 * One connected `net.Socket` (or any Node duplex stream: `S`) seen from tasks: received chunks wait here until a task takes them,
 * and writes are tracked until Node has handed them to the OS. `Socket` and `SocketStream` both
 * read and write through it, so they can be mixed on one connection.
 *
 * Discussion: a task never takes bytes while it is suspended. Node's `'data'` events append to
 * `chunks`, and a waiting reader is only *woken*; once it runs it takes what it needs from
 * `chunks`. A reader cancelled or timed out while suspended has therefore taken nothing, and the
 * next read gets every byte. Waits are external (`WaitQueue({ external: true })`): only the
 * network ends them, so a virtual clock does not jump past them.
 *
 * Discussion (flow control): while a reader is waiting, the socket always flows; when nobody is,
 * reading from the OS pauses once `HIGH_WATER` bytes are buffered, so a peer sending faster than
 * the task reads fills TCP windows, not our memory.
 */
export class Connection<S extends Duplex = NetSocket> {
  readonly sock: S
  /** Received chunks not yet taken, oldest first. */
  private chunks: Buffer[] = []
  /** Bytes in `chunks`. */
  buffered = 0
  /** The peer sent FIN (or we shut reading down). */
  eof = false
  /** The connection failed (reset, refused...); thrown once the buffered bytes are used up. */
  error: Error | undefined = undefined
  /** `close()` was called. */
  closed = false
  connected: boolean
  private paused = false
  private discarding = false
  readonly readers = new WaitQueue({ external: true })
  readonly writers = new WaitQueue({ external: true })
  /** Writes handed to Node, and how many of them Node reported done. */
  private issued = 0
  private written = 0
  /** The first write that failed (its number), and why. */
  private failedFrom = Number.POSITIVE_INFINITY
  private writeError: Error | undefined = undefined

  private readonly readOnDemand: boolean
  private readonly readable: boolean
  private readonly writable: boolean

  constructor(sock: S, connected: boolean, options: ConnectionOptions = {}) {
    this.sock = sock
    this.connected = connected
    this.readOnDemand = options.readOnDemand ?? false
    this.readable = options.readable ?? true
    this.writable = options.writable ?? true
    if (this.readable) {
      const below =
        options.userBuffer === true && readIntoSharedBuffer(sock as unknown as NetSocket, this.onData)
      if (!below) sock.on('data', this.onData)
      sock.on('end', this.onEnd)
    }
    sock.on('error', this.onError)
    sock.on('close', this.onClose)
    if (!connected) sock.once(options.connectEvent ?? 'connect', this.onConnect)
  }

  // ---- Node's side -----------------------------------------------------------------------

  private readonly onData = (chunk: Buffer): void => {
    if (this.discarding) return
    this.chunks.push(chunk)
    this.buffered += chunk.length
    if (this.readers.length > 0) this.readers.wake(1)
    else if ((this.readOnDemand || this.buffered >= HIGH_WATER) && !this.paused) {
      this.paused = true
      this.sock.pause()
    }
  }

  private readonly onEnd = (): void => {
    this.eof = true
    this.readers.wakeAll()
  }

  private readonly onError = (error: Error): void => {
    this.error ??= error
    this.readers.wakeAll()
    this.writers.wakeAll()
  }

  private readonly onClose = (): void => {
    // Nothing more can arrive: without an error, that is end of stream even if Node never
    // emitted 'end' (a socket destroyed locally, say), so no reader waits for ever.
    this.eof = true
    this.readers.wakeAll()
    this.writers.wakeAll()
  }

  private readonly onConnect = (): void => {
    this.connected = true
    this.writers.wakeAll()
  }

  /** Node's callback for every write, in order; shared so a write allocates no closure. */
  private readonly onWritten = (error?: Error | null): void => {
    this.written++
    // Node calls back without an error for a write cut short by the socket's destruction
    // (a reset, say): that write did not complete, and must not look as if it had. Its own
    // ERR_STREAM_DESTROYED says no more than that: report why the socket was destroyed.
    if (this.sock.destroyed && (!error || (error as NodeJS.ErrnoException).code === 'ERR_STREAM_DESTROYED')) {
      error = this.destroyedError('write')
    }
    if (error && this.writeError === undefined) {
      this.writeError = error
      this.failedFrom = this.written
    }
    this.writers.wake(1)
  }

  // ---- reading ---------------------------------------------------------------------------

  /**
   * Nothing (or not enough) is buffered: may the reader go on waiting? Returns true at end of
   * stream, and also after a connection error while bytes are still buffered (they come first;
   * the error is thrown once they are used up). Throws `EBADF` after close.
   */
  ended(syscall: string): boolean {
    if (this.closed) throw closedError(syscall)
    if (this.error !== undefined) {
      if (this.buffered > 0) return true
      throw this.error
    }
    return this.eof
  }

  /** Suspend until something happens to the read side; a second waiting reader is refused. */
  waitReadable(): Operation<void> {
    if (this.readers.length > 0) {
      throw new ReadResourceBusy('another task is already waiting to read from this socket')
    }
    if (this.paused) {
      this.paused = false
      this.sock.resume()
    }
    return this.readOnDemand ? this.waitOnDemand() : this.readers.suspend('READ_WAIT')
  }

  private *waitOnDemand(): Operation<void> {
    try {
      yield* this.readers.suspend('READ_WAIT')
    } finally {
      // Woken, cancelled or timed out: nobody is asking any more, so stop reading from the OS.
      if (!this.paused && !this.eof) {
        this.paused = true
        this.sock.pause()
      }
    }
  }

  /** Take up to `max` bytes (at most one chunk, so usually no copy). Needs `buffered > 0`. */
  take(max: number): Buffer {
    const chunks = this.chunks
    const first = chunks[0]!
    let out: Buffer
    if (first.length <= max) {
      chunks.shift()
      out = first
    } else {
      out = first.subarray(0, max)
      chunks[0] = first.subarray(max)
    }
    this.taken(out.length)
    return out
  }

  /** Take exactly `n` bytes (`n <= buffered`), copying only when they span chunks. */
  takeExactly(n: number): Buffer {
    if (n === 0) return EMPTY
    const first = this.chunks[0]!
    if (first.length >= n) return this.take(n)
    const out = Buffer.allocUnsafe(n)
    this.copyOut(out, n)
    return out
  }

  /** Copy up to `into.length` buffered bytes into `into`; returns how many. */
  takeInto(into: Uint8Array): number {
    const n = Math.min(into.length, this.buffered)
    this.copyOut(into, n)
    return n
  }

  private copyOut(into: Uint8Array, n: number): void {
    const chunks = this.chunks
    let offset = 0
    while (offset < n) {
      const chunk = chunks[0]!
      const k = Math.min(chunk.length, n - offset)
      into.set(k === chunk.length ? chunk : chunk.subarray(0, k), offset)
      if (k === chunk.length) chunks.shift()
      else chunks[0] = chunk.subarray(k)
      offset += k
    }
    this.taken(n)
  }

  private taken(n: number): void {
    this.buffered -= n
    if (this.paused && this.buffered < LOW_WATER && !this.readOnDemand) {
      this.paused = false
      this.sock.resume()
    }
  }

  /** Offset of the first `byte` at or after `from` in the buffered bytes, or -1. */
  indexOf(byte: number, from: number): number {
    let base = 0
    for (const chunk of this.chunks) {
      const end = base + chunk.length
      if (from < end) {
        const i = chunk.indexOf(byte, from > base ? from - base : 0)
        if (i >= 0) return base + i
      }
      base = end
    }
    return -1
  }

  // ---- writing ---------------------------------------------------------------------------

  /** Why a destroyed socket cannot be written: its error (ECONNRESET...), else EPIPE. */
  private destroyedError(syscall: string): Error {
    return this.sock.errored ?? this.error ?? systemError('EPIPE', syscall, 'the connection is closed')
  }

  private checkWritable(syscall: string): void {
    if (this.closed) throw closedError(syscall)
    if (this.error !== undefined) throw this.error
    if (this.sock.destroyed) throw this.destroyedError(syscall)
    if (this.sock.writableEnded) throw systemError('EPIPE', syscall, 'socket is shut down for writing')
    if (this.writers.length > 0) {
      throw new WriteResourceBusy('another task is already waiting to write to this socket')
    }
  }

  /**
   * Hand `data` to Node; returns 0 when Node no longer needs it, else the write's number, to
   * pass to `waitWritten`.
   *
   * Discussion: Node first tries to write to the OS at once; when that takes everything,
   * `writableLength` is 0 right after `write()` and nothing refers to `data` any more, so the
   * caller may reuse its buffer and goes on without a switch (the fast path of an echo server).
   * Otherwise Node holds `data` until its callback; waiting for that callback is the
   * backpressure: a slow reader makes `sendall` wait, and nothing is ever copied.
   */
  send(data: Uint8Array, syscall: string): number {
    this.checkWritable(syscall)
    const sock = this.sock
    sock.write(data, this.onWritten)
    const ticket = ++this.issued
    return sock.writableLength === 0 && sock.errored === null ? 0 : ticket
  }

  /** Hand several buffers to Node in one system call (`writev`); returns the last write's number. */
  sendMany(list: readonly Uint8Array[], syscall: string): number {
    this.checkWritable(syscall)
    if (list.length === 0) return 0
    const sock = this.sock
    sock.cork()
    for (const data of list) sock.write(data, this.onWritten)
    sock.uncork()
    this.issued += list.length
    return this.issued
  }

  /** Wait until write number `ticket` (and every one before it) is done; throw if it failed. */
  *waitWritten(ticket = this.issued, syscall = 'flush'): Operation<void> {
    while (this.written < ticket) {
      if (this.closed) throw closedError(syscall)
      if (this.writers.length > 0) {
        throw new WriteResourceBusy('another task is already waiting to write to this socket')
      }
      yield* this.writers.suspend('WRITE_WAIT')
    }
    if (ticket >= this.failedFrom) throw this.writeError
  }

  // ---- connecting and closing ------------------------------------------------------------

  /** Wait until the connection is established; throws the connect error (ECONNREFUSED...). */
  *waitConnected(): Operation<void> {
    while (!this.connected) {
      if (this.closed) throw closedError('connect')
      if (this.error !== undefined) throw this.error
      if (this.sock.destroyed) throw systemError('ECONNABORTED', 'connect', 'connection closed')
      yield* this.writers.suspend('CONNECT_WAIT')
    }
  }

  /** `shutdown(SHUT_WR)`: FIN once the pending writes are out. */
  shutdownWrite(): void {
    if (!this.sock.writableEnded) this.sock.end()
  }

  /** `shutdown(SHUT_RD)`: reads return end of stream; incoming bytes are dropped. */
  shutdownRead(): void {
    this.discarding = true
    this.eof = true
    this.chunks = []
    this.buffered = 0
    this.paused = false
    if (this.readable) this.sock.resume()
    this.readers.wakeAll()
  }

  /**
   * Close without blocking: waiters wake and get EBADF, pending writes still go out, then FIN.
   * Incoming bytes are read and dropped until the peer's FIN, so the OS never answers with a
   * reset (it would when closing with unread bytes) and the handle is released.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.shutdownRead()
    this.writers.wakeAll()
    const sock = this.sock
    if (sock.destroyed) return
    if (!this.connected || this.error !== undefined || !this.writable) {
      sock.destroy()
      return
    }
    sock.end()
    // Once Node has handed everything to the OS, only the FIN exchange is left: it must not
    // keep the process alive, nor hold the descriptor for ever if the peer never closes.
    if (sock.writableLength === 0) this.linger()
    else sock.once('finish', () => this.linger())
  }

  private linger(): void {
    const sock = this.sock
    // Only sockets hold the event loop on their own; other streams have no `unref`.
    ;(sock as { unref?: () => void }).unref?.()
    if (sock.destroyed) return
    const timer = setTimeout(() => sock.destroy(), LINGER_MS).unref()
    // A connection that closes in time must not stay in memory, with its buffers, until the
    // timer fires: at 10,000 connections that held megabytes for two seconds.
    sock.once('close', () => clearTimeout(timer))
  }

  /** Drop the connection at once (a reset if data is unread): for connections never handed out. */
  abort(): void {
    this.closed = true
    this.sock.destroy()
  }
}
