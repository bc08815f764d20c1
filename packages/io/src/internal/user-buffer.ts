import { Socket as NetSocket } from 'node:net'

/**
 * One buffer the OS reads into for every socket in `readIntoSharedBuffer` mode: each read is
 * copied out at once (in the callback), so one buffer serves every connection of the process.
 */
const SHARED = Buffer.allocUnsafe(64 * 1024)

interface UserBufferSocket {
  _handle?: { useUserBuffer?: (buf: Uint8Array) => void } | null
  [key: symbol]: unknown
}

/** `net.Socket`'s own symbols for its `onread` option, found on a socket (undefined if missing). */
let symbols: { buffer: symbol; callback: symbol } | undefined | null = null

function findSymbols(sock: UserBufferSocket): { buffer: symbol; callback: symbol } | undefined {
  const own = Object.getOwnPropertySymbols(sock)
  const buffer = own.find((s) => s.description === 'kBuffer')
  const callback = own.find((s) => s.description === 'kBufferCb')
  return buffer !== undefined && callback !== undefined ? { buffer, callback } : undefined
}

/** What a socket in this mode calls with each read's copy; the socket is `this`, as for `'data'` listeners. */
type OnBytes = (this: NetSocket, chunk: Buffer) => void

/**
 * The function Node calls (as a method of the socket) with each read's byte count: one per
 * `onBytes`, shared by every socket that delivers to it, so a socket costs no closure of its own.
 */
const relays = new WeakMap<OnBytes, (this: NetSocket, n: number) => void>()

function relayTo(onBytes: OnBytes): (this: NetSocket, n: number) => void {
  let relay = relays.get(onBytes)
  if (relay === undefined) {
    relay = function (this: NetSocket, n: number): void {
      // Copied at once: the next read of any socket overwrites SHARED.
      const chunk = Buffer.allocUnsafe(n)
      SHARED.copy(chunk, 0, 0, n)
      onBytes.call(this, chunk)
    }
    relays.set(onBytes, relay)
  }
  return relay
}

/**
 * Make an accepted plain socket (TCP or Unix, not TLS) deliver its bytes as `onBytes(copy)`
 * (with the socket as `this`) instead of `'data'` events; returns false, changing nothing,
 * where this Node cannot.
 *
 * Discussion: this is Node's documented `onread` option of `new net.Socket()` (the OS reads
 * into a buffer we own, the callback gets the byte count), which `net.Server` does not offer
 * for the sockets it accepts. It does below the stream machinery what a `'data'` listener gets
 * above it: no Buffer and backing store made per read for `Readable.push`, no `addChunk`,
 * no `'data'` emit, no `maybeReadMore` tick. `'end'`, `'error'`, `'close'`, `pause()` and
 * `resume()` behave as usual (net.Socket supports them in this mode). We set the two fields
 * the option sets, found by their symbols' names, and point the handle at the buffer, before
 * the first read can happen (in the `'connection'` event, whose reads come on a later turn of
 * the event loop). If a Node version renames them, this returns false and the socket keeps
 * its `'data'` events. Measured with this and `IoOp` together, 1000-byte socket echo, server CPU per
 * message as a ratio to raw `net` (medians of 9 alternated rounds, one process): 0.86x before,
 * 1.04x after.
 */
export function readIntoSharedBuffer(sock: NetSocket, onBytes: OnBytes): boolean {
  if (sock.constructor !== NetSocket) return false
  const raw = sock as unknown as UserBufferSocket
  const handle = raw._handle
  if (handle == null || typeof handle.useUserBuffer !== 'function') return false
  if (symbols === null) symbols = findSymbols(raw)
  if (symbols === undefined || raw[symbols.buffer] !== null || raw[symbols.callback] !== null) return false
  handle.useUserBuffer(SHARED)
  raw[symbols.buffer] = SHARED
  // Node calls it as `socket[kBufferCb](n, buffer)`, so `this` is the socket.
  raw[symbols.callback] = relayTo(onBytes)
  return true
}
