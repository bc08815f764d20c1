import type { Duplex } from 'node:stream'
import { MUST_WAIT, type Operation } from '@curio/kernel'
import { type Connection, EMPTY } from './connection.js'

const NEWLINE = 0x0a

/** Where an operation finds its connection (or the error it gets: EBADF once closed...). */
export interface ConnectionSource {
  /** @internal */
  connection(syscall: string): Connection<Duplex>
}

/**
 * An operation written as a small state machine instead of a generator: the socket and
 * stream calls on the hot path (`recv`, `read`, `send`, `sendall`, `write`).
 *
 * Discussion: an echo handler calls `recv` and `sendall` once per message, and both usually
 * finish at once (bytes are buffered; Node takes the write). As generators each call made a
 * generator object and its register file, and each resumption went through a generator frame;
 * this is one small object that is its own iterator and its own `IteratorResult` (as kernel
 * traps are). Measured on the 1000-byte socket echo (sampling heap profiler, every object
 * counted): 1,903 bytes allocated per echoed message before, 1,629 after. It behaves as the generator did: nothing runs until the first
 * `next()` (calling without `yield*` does nothing); `attempt` finishes without any trap when it
 * can, so such a call is no cancellation point; otherwise the operation delegates to `wait()`
 * (a blocking trap or a small generator), as `yield*` would, and attempts again once that
 * ends. An exception thrown in (cancellation, timeout) goes to `wait()`'s operation first.
 */
export abstract class IoOp<T> {
  declare value: unknown
  declare done: boolean
  /** 0 fresh, 1 started, 2 finished. */
  declare private s: number
  /** The operation being waited on, while suspended. */
  declare private inner: Operation<unknown> | undefined

  // Assignments, not field initializers: see `Trap` in @curio/kernel (fields are defined with
  // [[DefineOwnProperty]], which is slower in a base class with several subclasses).
  constructor() {
    this.value = undefined
    this.done = false
    this.s = 0
    this.inner = undefined
  }

  /** Finish now with the result, or return `MUST_WAIT`; may throw the call's error. */
  protected abstract attempt(): T | typeof MUST_WAIT

  /** What to wait on when `attempt` cannot finish: it is attempted again afterwards. */
  protected abstract wait(): Operation<unknown>

  [Symbol.iterator](): this {
    return this
  }

  next(sent?: unknown): IteratorResult<unknown, T> {
    const inner = this.inner
    if (inner !== undefined) {
      let r: IteratorResult<unknown, unknown>
      try {
        r = inner.next(sent)
      } catch (error) {
        return this.fail(error)
      }
      if (!r.done) return r
      this.inner = undefined
    } else if (this.s !== 0) {
      throw new TypeError('this socket operation was already used: call the method again for a new one')
    }
    this.s = 1
    return this.run()
  }

  throw(error: unknown): IteratorResult<unknown, T> {
    const inner = this.inner
    if (inner === undefined) return this.fail(error)
    let r: IteratorResult<unknown, unknown>
    try {
      r = inner.throw(error)
    } catch (thrown) {
      return this.fail(thrown)
    }
    if (!r.done) return r
    this.inner = undefined
    return this.run()
  }

  return(value?: unknown): IteratorResult<unknown, T> {
    const inner = this.inner
    this.inner = undefined
    this.s = 2
    inner?.return(undefined)
    this.value = value
    this.done = true
    return this as IteratorResult<unknown, T>
  }

  private run(): IteratorResult<unknown, T> {
    let out: T | typeof MUST_WAIT
    for (;;) {
      let inner: Operation<unknown>
      let r: IteratorResult<unknown, unknown>
      try {
        out = this.attempt()
        if (out !== MUST_WAIT) break
        inner = this.wait()
        r = inner.next()
      } catch (error) {
        return this.fail(error)
      }
      if (!r.done) {
        this.inner = inner
        return r
      }
    }
    this.s = 2
    this.value = out
    this.done = true
    return this as IteratorResult<unknown, T>
  }

  private fail(error: unknown): never {
    this.inner = undefined
    this.s = 2
    throw error
  }
}

/** `Socket.recv` and `Stream.read`: bytes already buffered are returned without any trap. */
export class ReadOp extends IoOp<Buffer> {
  declare private readonly source: ConnectionSource
  /** Up to this many bytes; `read()` passes -1 for everything until end of stream. */
  declare private readonly max: number
  declare private readonly syscall: string
  /** `recv` returns an empty buffer at end of stream; `read` returns what is left. */
  declare private readonly recv: boolean
  declare private conn: Connection<Duplex> | undefined

  constructor(source: ConnectionSource, max: number, syscall: string, recv: boolean) {
    super()
    this.source = source
    this.max = max
    this.syscall = syscall
    this.recv = recv
    this.conn = undefined
  }

  protected attempt(): Buffer | typeof MUST_WAIT {
    let conn = this.conn
    if (conn === undefined) {
      if (this.recv) checkSize(this.max, this.syscall)
      conn = this.conn = this.source.connection(this.syscall)
      if (this.max === 0) return EMPTY
    }
    const max = this.max
    if (max > 0 && conn.buffered > 0) return conn.take(max)
    if (conn.ended(this.syscall)) return this.recv ? EMPTY : conn.takeExactly(conn.buffered)
    return MUST_WAIT
  }

  protected wait(): Operation<unknown> {
    return this.conn!.waitReadable()
  }
}

/** `Stream.readline`: the next line with its `\n`; at end of stream what is left. */
export class LineOp extends IoOp<Buffer> {
  declare private readonly source: ConnectionSource
  declare private conn: Connection<Duplex> | undefined
  /** Buffered bytes already searched for a newline, so a long line is scanned once. */
  declare private scanned: number

  constructor(source: ConnectionSource) {
    super()
    this.source = source
    this.conn = undefined
    this.scanned = 0
  }

  protected attempt(): Buffer | typeof MUST_WAIT {
    let conn = this.conn
    if (conn === undefined) conn = this.conn = this.source.connection('readline')
    const at = conn.indexOf(NEWLINE, this.scanned)
    if (at >= 0) return conn.takeExactly(at + 1)
    this.scanned = conn.buffered
    if (conn.ended('readline')) return conn.takeExactly(conn.buffered)
    return MUST_WAIT
  }

  protected wait(): Operation<unknown> {
    return this.conn!.waitReadable()
  }
}

/**
 * `send`, `sendall` and `write`: hand `data` to Node; wait only if Node could not pass it to
 * the OS at once (backpressure), until it has. Finishes with `result`.
 */
export class WriteOp<T extends number | undefined> extends IoOp<T> {
  declare private readonly source: ConnectionSource
  declare private readonly data: Uint8Array
  declare private readonly syscall: string
  /** `send` returns the byte count, `sendall` and `write` nothing. */
  declare private readonly counts: boolean
  declare private conn: Connection<Duplex> | undefined
  /** -1 before the write; then its number while Node still holds `data`, 0 once it does not. */
  declare private ticket: number

  constructor(source: ConnectionSource, data: Uint8Array, syscall: string, counts: boolean) {
    super()
    this.source = source
    this.data = data
    this.syscall = syscall
    this.counts = counts
    this.conn = undefined
    this.ticket = -1
  }

  protected attempt(): T | typeof MUST_WAIT {
    if (this.ticket < 0) {
      const conn = (this.conn = this.source.connection(this.syscall))
      this.ticket = conn.send(this.data, this.syscall)
      if (this.ticket !== 0) return MUST_WAIT
    }
    // After a wait, `waitWritten` has returned: the write is done (it threw if it failed).
    return (this.counts ? this.data.length : undefined) as T
  }

  protected wait(): Operation<unknown> {
    return this.conn!.waitWritten(this.ticket, this.syscall)
  }
}

/** `recv(maxbytes)` and its kin take a positive integer. */
export function checkSize(n: number, what: string): void {
  if (!Number.isInteger(n) || n <= 0)
    throw new TypeError(`${what}(maxbytes) takes a positive integer, got ${n}`)
}
