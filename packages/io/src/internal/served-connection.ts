import { CancelledError, type Operation, type Task } from '@curio/kernel'
import type { Address } from '../address.js'
import type { Socket } from '../socket.js'

/** What every connection of one `runServer` shares. */
export interface Server {
  readonly handler: (client: Socket, addr: Address) => Operation<unknown>
  readonly onError: (error: unknown, addr: Address) => void
  /** The connections still being served, so cancelling the server can cancel their tasks. */
  readonly live: Set<ServedConnection>
}

const DONE: IteratorResult<unknown, void> = Object.freeze({ done: true, value: undefined })
/** `inner` once the handler has ended. */
const ENDED = null

/**
 * One connection's task in `runServer`: `handler(client, addr)`, its crash reported (the
 * server keeps serving), the connection closed however it ends. It does what this would:
 *
 * ```ts
 * function* connection() {
 *   try { yield* handler(client, addr) }
 *   catch (error) { if (error instanceof CancelledError) throw error; onError(error, addr) }
 *   finally { client.close(); live.delete(task) }
 * }
 * ```
 *
 * Discussion: a server holds one of these for each open connection, for as long as it is open.
 * As a `function*` made in the accept loop (it needs `client`, `addr` and its task) it cost 571
 * bytes per connection more than this object, measured on the echo row with 10,000 connections
 * open: the generator and its register file, the closure and its context, and, because every
 * closure of a `function*` has a prototype of its own, a prototype object and two hidden
 * classes. As an object that is its own iterator (as `IoOp` is) it is one object of four
 * fields, and the peer's address is read from the client when the handler starts (and for a
 * crash report), not kept. Like `yield*`, it hands the handler's results up unchanged, and
 * passes `next`/`throw` down. Unlike a generator that never
 * started, one cancelled before its first step still closes its connection.
 */
export class ServedConnection {
  /** Set by `runServer` right after the spawn, before the task first runs. */
  task: Task<void> | undefined = undefined
  /** The handler's operation while it runs; undefined before it starts, `ENDED` after. */
  private inner: Iterator<unknown, unknown, unknown> | typeof ENDED | undefined = undefined

  constructor(
    private readonly server: Server,
    private readonly client: Socket,
  ) {}

  /** The peer's address, read from the client when needed rather than held for the connection's life. */
  private addr(): Address {
    return this.client._peer() ?? ''
  }

  [Symbol.iterator](): this {
    return this
  }

  next(sent?: unknown): IteratorResult<unknown, void> {
    let r: IteratorResult<unknown, unknown>
    try {
      let inner = this.inner
      if (inner === ENDED) return DONE
      if (inner === undefined) {
        inner = this.inner = this.server.handler(this.client, this.addr())[Symbol.iterator]()
      }
      r = inner.next(sent)
    } catch (error) {
      return this.failed(error)
    }
    return r.done ? this.ended() : r
  }

  throw(error: unknown): IteratorResult<unknown, void> {
    const inner = this.inner
    if (inner === ENDED) throw error
    if (inner === undefined) return this.failed(error)
    let r: IteratorResult<unknown, unknown>
    try {
      if (typeof inner.throw !== 'function')
        throw new TypeError('the connection handler cannot take an exception')
      r = inner.throw(error)
    } catch (thrown) {
      return this.failed(thrown)
    }
    return r.done ? this.ended() : r
  }

  return(value?: unknown): IteratorResult<unknown, void> {
    const inner = this.inner
    if (inner !== ENDED && inner !== undefined) {
      try {
        inner.return?.(undefined)
      } finally {
        this.ended()
      }
    } else this.ended()
    return { done: true, value: value as void }
  }

  private failed(error: unknown): IteratorResult<unknown, void> {
    try {
      if (error instanceof CancelledError) throw error
      this.server.onError(error, this.addr())
    } finally {
      this.ended()
    }
    return DONE
  }

  private ended(): IteratorResult<unknown, void> {
    if (this.inner !== ENDED) {
      this.inner = ENDED
      this.client.close()
      this.server.live.delete(this)
    }
    return DONE
  }
}
