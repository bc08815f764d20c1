import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * The HMAC challenge of Python's `multiprocessing.connection`, in both dialects.
 *
 * - Python 3.11 and Curio: the challenge is `#CHALLENGE#` + 20 random bytes; the answer is the
 *   raw 16-byte HMAC-MD5 of those bytes.
 * - Python 3.12+: the challenge is `#CHALLENGE#{sha256}` + 40 random bytes; the answer is
 *   `{sha256}` + the HMAC-SHA256 of everything after `#CHALLENGE#` (prefix included).
 *
 * Discussion: we always challenge in the 3.12 form, as Python 3.12 does: an older peer takes
 * the whole rest as its challenge and answers with a raw HMAC-MD5 of it, which we accept (a
 * 16-byte answer is the legacy form). Answering, we follow whatever the challenge asks for.
 * Lengths 16 and 20 mean the legacy form exactly as in CPython's
 * `_get_digest_name_and_payload`, so both sides classify a message the same way.
 */

export const CHALLENGE = Buffer.from('#CHALLENGE#')
export const WELCOME = Buffer.from('#WELCOME#')
export const FAILURE = Buffer.from('#FAILURE#')
/** Every message of the handshake is short; Python reads each with `recv_bytes(256)`. */
export const AUTH_MAX = 256

const RANDOM_LENGTH = 40
const LEGACY_LENGTHS = new Set([20, 16])
/** Python's names (`_ALLOWED_DIGESTS`) and Node's for the same hash. */
const DIGESTS = new Map([
  ['md5', 'md5'],
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha3_256', 'sha3-256'],
  ['sha3_384', 'sha3-384'],
])
const MAX_DIGEST_NAME = 8

/** An authkey as bytes; an empty one is refused (it would authenticate anybody). */
export function keyBytes(authkey: string | Uint8Array): Uint8Array {
  const key = typeof authkey === 'string' ? Buffer.from(authkey) : authkey
  if (!(key instanceof Uint8Array)) throw new TypeError('an authkey is a string or a Uint8Array')
  if (key.length === 0)
    throw new TypeError('an empty authkey authenticates nobody: omit it for no authentication')
  return key
}

/** The message we challenge with (what follows `#CHALLENGE#`). */
export function newChallenge(): Buffer {
  return Buffer.concat([Buffer.from('{sha256}'), randomBytes(RANDOM_LENGTH)])
}

/** Split a challenge or answer into its digest name ('' for the legacy form) and payload. */
function parse(message: Uint8Array): [digest: string, payload: Uint8Array] | undefined {
  if (LEGACY_LENGTHS.has(message.length)) return ['', message]
  if (message[0] !== 0x7b /* { */) return undefined
  const close = Buffer.from(message.buffer, message.byteOffset, message.length).indexOf(0x7d /* } */, 1)
  if (close < 0 || close > MAX_DIGEST_NAME + 1) return undefined
  const digest = Buffer.from(message.subarray(1, close)).toString('latin1')
  return DIGESTS.has(digest) ? [digest, message.subarray(close + 1)] : undefined
}

function hmac(key: Uint8Array, digest: string, message: Uint8Array): Buffer {
  return createHmac(DIGESTS.get(digest)!, key).update(message).digest()
}

/** Our answer to `challenge` (the bytes after `#CHALLENGE#`), or undefined if it is malformed. */
export function answer(key: Uint8Array, challenge: Uint8Array): Buffer | undefined {
  if (challenge.length < 20) return undefined
  const parsed = parse(challenge)
  if (parsed === undefined) return undefined
  const digest = parsed[0]
  if (digest === '') return hmac(key, 'md5', challenge)
  return Buffer.concat([Buffer.from(`{${digest}}`), hmac(key, digest, challenge)])
}

/** Whether `response` is the right answer to our `challenge`, in either form. */
export function verify(key: Uint8Array, challenge: Uint8Array, response: Uint8Array): boolean {
  const parsed = parse(response)
  if (parsed === undefined) return false
  const [digest, mac] = parsed
  const expected = hmac(key, digest || 'md5', challenge)
  return expected.length === mac.length && timingSafeEqual(expected, mac)
}
