import { type Operation, sleep, TaskTimeout, timeoutAfter } from '@curio/kernel'
import { type Address, checkAddress as checkAddressShape } from './address.js'
import { ChannelError } from './channel-errors.js'
import { openConnection, openUnixConnection } from './connect.js'
import { Connection } from './connection.js'
import { AF_INET, AF_INET6, AF_UNIX, SO_REUSEADDR, SOCK_STREAM, SOL_SOCKET } from './constants.js'
import { keyBytes } from './internal/channel-auth.js'
import { Socket } from './socket.js'

/** How long a new connection has to pass the challenge in `accept` (Curio's and Python's limit). */
const AUTH_LIMIT_MS = 1000
/** How often `connect` tries again while nobody listens at the address. */
const RETRY_MS = 1000
/** The errors that mean "nobody listens there yet". */
const NOT_LISTENING = new Set(['ECONNREFUSED', 'ENOENT'])

/** Options for `new Channel`. */
export interface ChannelOptions {
  /** Accept only connections from addresses this returns true for (others are closed at once). */
  checkAddress?: (addr: Address) => boolean
}

/** Options for `Channel.accept` and `Channel.connect`. */
export interface ChannelAuthOptions {
  /** The shared secret both sides prove they know (multiprocessing's `authkey`); none: no handshake. */
  authkey?: string | Uint8Array
}

/**
 * A place to exchange messages (Curio's `curio.channel.Channel`): a TCP address `[host, port]`
 * or a Unix socket path. One side `accept`s, the other `connect`s, and each gets a
 * `Connection`. Wire-compatible with Python's `multiprocessing.connection.Listener` and
 * `Client`, HMAC authentication included.
 *
 * @example
 * ```ts
 * const channel = new Channel(['127.0.0.1', 30000])
 * const conn = yield* channel.accept({ authkey: 'peekaboo' })
 * console.log(yield* conn.recv())
 * ```
 */
export class Channel implements Disposable {
  /** Where the channel is: after `bind()`, the real address (port 0 resolved). */
  address: Address
  private readonly checkAddress: ((addr: Address) => boolean) | undefined
  private sock: Socket | undefined = undefined
  private closed = false

  /** A channel at `address` (`[host, port]`, or a path for a Unix socket); nothing opens yet. */
  constructor(address: Address, options: ChannelOptions = {}) {
    checkAddressShape(typeof address === 'string' ? AF_UNIX : AF_INET, address, 'Channel')
    if (options.checkAddress !== undefined && typeof options.checkAddress !== 'function') {
      throw new TypeError('Channel: checkAddress must be a function')
    }
    this.address = address
    this.checkAddress = options.checkAddress
  }

  /** Listen at the address now; `address` becomes the real one. */
  bind(): void {
    if (this.closed) throw new ChannelError('the channel is closed')
    if (this.sock !== undefined) return
    const address = this.address
    const family = typeof address === 'string' ? AF_UNIX : address[0].includes(':') ? AF_INET6 : AF_INET
    const sock = new Socket(family, SOCK_STREAM)
    try {
      sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, true)
      sock.bind(address)
      sock.listen()
      this.address = sock.getsockname()
    } catch (error) {
      sock.close()
      throw error
    }
    this.sock = sock
  }

  /**
   * The next connection (binding first if needed). With `authkey`, a connection must pass the
   * challenge within 1 s; connections refused by `checkAddress`, failing the challenge or too
   * slow are closed, and it keeps waiting.
   */
  *accept(options: ChannelAuthOptions = {}): Operation<Connection> {
    const key = options.authkey === undefined ? undefined : keyBytes(options.authkey)
    this.bind()
    const sock = this.sock!
    for (;;) {
      const [client, addr] = yield* sock.accept()
      let allowed = false
      try {
        allowed = this.checkAddress?.(addr) ?? true
      } finally {
        // Refused, or checkAddress threw (the error goes to the caller): no connection leaks.
        if (!allowed) client.close()
      }
      if (!allowed) continue
      const stream = client.asStream()
      const conn = new Connection(stream, stream, addr)
      if (key === undefined) return conn
      try {
        yield* timeoutAfter(AUTH_LIMIT_MS, conn.authenticateServer(key))
        return conn
      } catch (error) {
        conn.close()
        if (!peerFault(error)) throw error
      }
    }
  }

  /**
   * Connect to the channel and return the connection (after the handshake with `authkey`).
   * While nobody listens at the address it tries again every second, as Curio does: bound the
   * wait with `timeoutAfter`. A wrong key throws `AuthenticationError`.
   */
  *connect(options: ChannelAuthOptions = {}): Operation<Connection> {
    const key = options.authkey === undefined ? undefined : keyBytes(options.authkey)
    const address = this.address
    for (;;) {
      let sock: Socket
      try {
        sock =
          typeof address === 'string' ? yield* openUnixConnection(address) : yield* openConnection(...address)
      } catch (error) {
        if (!NOT_LISTENING.has((error as NodeJS.ErrnoException).code ?? '')) throw error
        yield* sleep(RETRY_MS)
        continue
      }
      const stream = sock.asStream()
      const conn = new Connection(stream, stream)
      if (key === undefined) return conn
      try {
        yield* conn.authenticateClient(key)
      } catch (error) {
        conn.close()
        throw error
      }
      return conn
    }
  }

  /** Stop listening; connections already made stay open. */
  close(): void {
    this.closed = true
    this.sock?.close()
    this.sock = undefined
  }

  /** `using channel = new Channel(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close()
  }
}

/** A failure that is the connecting peer's, not ours: drop that connection and keep accepting. */
function peerFault(error: unknown): boolean {
  return (
    error instanceof TaskTimeout ||
    error instanceof ChannelError ||
    typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string'
  )
}
