import { constants as bufferConstants } from 'node:buffer'
import { deserialize, serialize } from 'node:v8'
import { type Operation, ReadResourceBusy, WriteResourceBusy } from '@curio/kernel'
import type { Address } from './address.js'
import { AuthenticationError, ChannelError, EOFError } from './channel-errors.js'
import { IncompleteRead } from './errors.js'
import {
  AUTH_MAX,
  answer,
  CHALLENGE,
  FAILURE,
  keyBytes,
  newChallenge,
  verify,
  WELCOME,
} from './internal/channel-auth.js'
import { encodeFrame, frameSize, LONG_FORM } from './internal/frame.js'
import type { Stream } from './stream.js'

/** No header of the next message has been read yet. */
const NO_HEADER = -2
/** How much of a rejected message is dropped per read. */
const SKIP_CHUNK = 64 * 1024

/**
 * Size-prefixed messages over a pair of streams (Curio's `curio.channel.Connection`),
 * wire-compatible with Python's `multiprocessing.connection.Connection`: a curio task and a
 * Python process exchange bytes with `sendBytes`/`recvBytes`, and Node peers exchange any
 * structured-clone value with `send`/`recv`.
 *
 * Discussion (nothing lost, nothing misaligned): the frame being read is state of the
 * connection, not of the call. Once a header has been read its length is kept here, and the
 * payload is taken in one piece only when all of it has arrived (stream reads take nothing
 * while they wait); so a `recvBytes` cancelled or timed out anywhere leaves the stream where
 * the next call finds the same message whole. A rejected message is dropped the same way,
 * remembering how much is left. A frame is written in one write (see `encodeFrame`).
 *
 * @example
 * ```ts
 * const conn = new Connection(sock.asStream(), sock.asStream())
 * yield* conn.sendBytes(Buffer.from('hello'))
 * const reply = yield* conn.recvBytes()
 * ```
 */
export class Connection implements Disposable {
  /** The peer's address when the connection came from `Channel.accept`. */
  readonly address: Address | undefined
  private readonly reader: Stream
  private readonly writer: Stream
  /** The payload length of a message whose header has been read, else `NO_HEADER` (or `LONG_FORM`). */
  private size = NO_HEADER
  /** Bytes of a rejected message still to drop before the next header. */
  private skipping = 0
  private receiving = false
  private sending = false

  /** Messages read from `reader` and written to `writer` (the same stream for a socket). */
  constructor(reader: Stream, writer: Stream, address?: Address) {
    this.reader = reader
    this.writer = writer
    this.address = address
  }

  /**
   * Send `size` bytes of `buf` from `offset` (default: the rest) as one message; returns the
   * number of payload bytes sent. A send cancelled while it waits still sends the whole
   * message (the stream holds it), so the peer never sees half a frame.
   */
  *sendBytes(buf: Uint8Array, offset = 0, size?: number): Operation<number> {
    const n = frameSize(buf, offset, size)
    if (this.sending) throw new WriteResourceBusy('another task is already sending on this connection')
    this.sending = true
    try {
      yield* this.writer.write(encodeFrame(buf, offset, n))
    } finally {
      this.sending = false
    }
    return n
  }

  /**
   * The next message. At a clean end of stream, or one inside a message, throws `EOFError`; a
   * message longer than `maxlength` is read off and rejected with `ChannelError`, so the next
   * call gets the message after it.
   */
  *recvBytes(maxlength?: number): Operation<Uint8Array> {
    if (maxlength !== undefined && !(Number.isInteger(maxlength) && maxlength >= 0)) {
      throw new TypeError(`recvBytes(maxlength) takes a count >= 0, got ${maxlength}`)
    }
    return yield* this.receive(maxlength ?? bufferConstants.MAX_LENGTH, 'maxlength')
  }

  /**
   * Read the next message into `buf` at `offset`; returns its length. A message that does not
   * fit is read off and rejected with `ChannelError`.
   */
  *recvBytesInto(buf: Uint8Array, offset = 0): Operation<number> {
    if (!(buf instanceof Uint8Array)) throw new TypeError('recvBytesInto(buf) takes a Uint8Array')
    if (!Number.isInteger(offset) || offset < 0 || offset > buf.length) {
      throw new RangeError(`recvBytesInto: offset must be from 0 to ${buf.length}, got ${offset}`)
    }
    const message = yield* this.receive(buf.length - offset, 'the buffer')
    buf.set(message, offset)
    return message.length
  }

  /** Send any structured-clone value (Node's `v8.serialize`), for a Node peer's `recv()`. */
  *send(value: unknown): Operation<void> {
    yield* this.sendBytes(serialize(value))
  }

  /** Receive a value sent by a Node peer's `send()`. */
  *recv(): Operation<unknown> {
    const bytes = yield* this.recvBytes()
    try {
      return deserialize(bytes)
    } catch (error) {
      throw new ChannelError('the message is not a value sent by send() (v8.serialize)', { cause: error })
    }
  }

  /** The server's side of the handshake: challenge the peer, then answer its challenge. */
  *authenticateServer(authkey: string | Uint8Array): Operation<void> {
    const key = keyBytes(authkey)
    yield* this.deliverChallenge(key)
    yield* this.answerChallenge(key)
  }

  /** The client's side of the handshake: answer the server's challenge, then challenge it. */
  *authenticateClient(authkey: string | Uint8Array): Operation<void> {
    const key = keyBytes(authkey)
    yield* this.answerChallenge(key)
    yield* this.deliverChallenge(key)
  }

  /** Close both streams; never blocks (messages already sent still go out). */
  close(): void {
    this.reader.close()
    if (this.writer !== this.reader) this.writer.close()
  }

  /** `using conn = ...` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close()
  }

  // ---- receiving -------------------------------------------------------------------------

  /**
   * The next payload, at most `limit` bytes. With `readOff` false a longer one is refused at
   * once, unread: for the handshake, where a huge length means the peer is no multiprocessing
   * peer, and reading it off would only let it make us read gigabytes.
   */
  private *receive(limit: number, what: string, readOff = true): Operation<Buffer> {
    if (this.receiving) throw new ReadResourceBusy('another task is already receiving on this connection')
    this.receiving = true
    try {
      if (this.skipping > 0) yield* this.skip()
      if (this.size === NO_HEADER) this.size = (yield* this.readHeader(4)).readInt32BE(0)
      if (this.size === LONG_FORM) {
        const long = (yield* this.readHeader(8)).readBigUInt64BE(0)
        this.size = long > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(long)
      }
      const size = this.size
      if (size < 0) {
        // Nothing tells where the next frame starts: the stream cannot be used any more.
        throw new ChannelError(`bad message length ${size}: the stream is not a message channel`)
      }
      if (size > limit) {
        if (!readOff)
          throw new ChannelError(`message of ${size} bytes is longer than ${what} (${limit} bytes)`)
        this.size = NO_HEADER
        this.skipping = size
        yield* this.skip()
        throw new ChannelError(
          `message of ${size} bytes is longer than ${what} (${limit} bytes); it was dropped`,
        )
      }
      const payload = yield* this.readExactly(size, true)
      this.size = NO_HEADER
      return payload
    } finally {
      this.receiving = false
    }
  }

  /** `n` header bytes; a stream ending before any byte of a message is a clean end. */
  private readHeader(n: number): Operation<Buffer> {
    return this.readExactly(n, this.size !== NO_HEADER)
  }

  private *readExactly(n: number, inside: boolean): Operation<Buffer> {
    try {
      return yield* this.reader.readExactly(n)
    } catch (error) {
      if (!(error instanceof IncompleteRead)) throw error
      throw inside || error.partial.length > 0
        ? new EOFError('the stream ended inside a message')
        : new EOFError('end of stream')
    }
  }

  private *skip(): Operation<void> {
    while (this.skipping > 0) {
      const chunk = yield* this.reader.read(Math.min(this.skipping, SKIP_CHUNK))
      if (chunk.length === 0) throw new EOFError('the stream ended inside a message')
      this.skipping -= chunk.length
    }
  }

  // ---- authentication --------------------------------------------------------------------

  private *deliverChallenge(key: Uint8Array): Operation<void> {
    const challenge = newChallenge()
    yield* this.sendBytes(Buffer.concat([CHALLENGE, challenge]))
    const response = yield* this.authMessage()
    if (verify(key, challenge, response)) {
      yield* this.sendBytes(WELCOME)
    } else {
      yield* this.sendBytes(FAILURE)
      throw new AuthenticationError('digest received was wrong')
    }
  }

  private *answerChallenge(key: Uint8Array): Operation<void> {
    const message = yield* this.authMessage()
    const prefix = message.subarray(0, CHALLENGE.length)
    const response = CHALLENGE.equals(prefix) ? answer(key, message.subarray(CHALLENGE.length)) : undefined
    if (response === undefined) throw new AuthenticationError('protocol error: expected a challenge')
    yield* this.sendBytes(response)
    const welcome = yield* this.authMessage()
    if (!WELCOME.equals(welcome)) throw new AuthenticationError('digest sent was rejected')
  }

  /** A handshake message; a peer that sends something long is no multiprocessing peer. */
  private *authMessage(): Operation<Buffer> {
    try {
      return yield* this.receive(AUTH_MAX, 'an authentication message', false)
    } catch (error) {
      if (error instanceof ChannelError && !(error instanceof EOFError)) {
        throw new AuthenticationError(`protocol error: ${error.message}`, { cause: error })
      }
      throw error
    }
  }
}
