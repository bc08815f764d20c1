/**
 * The frame format of Python's `multiprocessing.connection`: a 4-byte big-endian signed length,
 * then the payload. A length of -1 says an 8-byte unsigned length follows (Python's form for
 * messages of 2 GiB and more, whose size does not fit the signed 4 bytes).
 */

/** The largest payload the 4-byte form carries (Python switches forms above it). */
const SHORT_MAX = 0x7fffffff
/** The 4-byte length that announces an 8-byte one. */
export const LONG_FORM = -1

/**
 * One buffer holding the header and `size` bytes of `data` from `offset`.
 *
 * Discussion: header and payload go out in one write, so once it has been handed to the
 * stream the whole frame goes out even if the sender is cancelled while waiting for it to
 * drain: two writes would leave a header without its payload when cancelled in between,
 * and every later message would be misread. The copy costs little next to the system call.
 * `shortMax` exists for tests (the 8-byte form with a small payload).
 */
export function encodeFrame(data: Uint8Array, offset: number, size: number, shortMax = SHORT_MAX): Buffer {
  const long = size > shortMax
  const headerSize = long ? 12 : 4
  const frame = Buffer.allocUnsafe(headerSize + size)
  if (long) {
    frame.writeInt32BE(LONG_FORM, 0)
    frame.writeBigUInt64BE(BigInt(size), 4)
  } else {
    frame.writeInt32BE(size, 0)
  }
  frame.set(size === data.length && offset === 0 ? data : data.subarray(offset, offset + size), headerSize)
  return frame
}

/** Check `sendBytes(buf, offset, size)` arguments the way Python does; returns the size. */
export function frameSize(data: Uint8Array, offset: number, size: number | undefined): number {
  if (!(data instanceof Uint8Array)) throw new TypeError('sendBytes(buf) takes a Uint8Array')
  if (!Number.isInteger(offset)) throw new TypeError(`sendBytes: offset must be an integer, got ${offset}`)
  if (offset < 0) throw new RangeError('offset is negative')
  if (data.length < offset) throw new RangeError('buffer length < offset')
  if (size === undefined) return data.length - offset
  if (!Number.isInteger(size)) throw new TypeError(`sendBytes: size must be an integer, got ${size}`)
  if (size < 0) throw new RangeError('size is negative')
  if (offset + size > data.length) throw new RangeError('buffer length < offset + size')
  return size
}
