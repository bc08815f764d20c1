/**
 * Who may talk to the web view. A page on localhost is reachable by every other page the
 * user has open, so each request passes three checks, in this order:
 *
 * 1. `Host` names the monitor's own address. A DNS-rebinding page reaches 127.0.0.1 under a
 *    name of its own (`evil.example:48803`); only an IP literal (or `localhost`, which no
 *    outside DNS answers for) is the monitor's own.
 * 2. The token: a fresh random one per monitor, in the query (`?token=`, the URL printed), a
 *    header (`X-Curio-Token`) or the cookie the page sets. Nobody else knows it.
 * 3. `Origin`: a request that carries one from elsewhere is refused, and anything that
 *    changes the program is a POST that must carry our own (a form on another site cannot).
 *
 * There are no CORS headers at all, so a browser never lets another origin read an answer.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'

/** A refused request: the status and the one-line reason sent back. */
export interface Refusal {
  status: number
  message: string
}

/** The address and secret a request is checked against. */
export interface Guard {
  /** The interface the server listens on (`127.0.0.1`, `::1`, `0.0.0.0`...). */
  host: string
  /** The port it really listens on. */
  port: number
  token: string
}

/** A fresh token: 128 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString('base64url')
}

/** The cookie that carries the token; named for the port, since cookies ignore ports. */
export function cookieName(port: number): string {
  return `curio-monitor-${port}`
}

const loopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.')
/** Listening on every interface (`''` is how `tcpServerSocket` says it). */
export const wildcard = (host: string) => host === '' || host === '0.0.0.0' || host === '::'

/** Split `Host: name:port` / `[v6]:port`; undefined when it is not of that shape. */
function splitHost(header: string): { name: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(header)
  if (m === null) return undefined
  return { name: (m[1] ?? m[2]!).toLowerCase(), port: Number(m[3]) }
}

/** Whether `Host` names this server: its port, and its own IP (or `localhost` on loopback). */
export function hostAllowed(header: string | undefined, guard: Guard): boolean {
  if (header === undefined) return false
  const host = splitHost(header)
  if (host === undefined || host.port !== guard.port) return false
  if (wildcard(guard.host)) return isIP(host.name) !== 0 || host.name === 'localhost'
  if (host.name === guard.host.toLowerCase()) return true
  return loopback(guard.host) && loopback(host.name) && (isIP(host.name) !== 0 || host.name === 'localhost')
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return undefined
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  // Compared in constant time: the answer's timing must not spell the token out.
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Where the request carried the token, if it did: the page sets the cookie when it came by query. */
export function tokenSource(req: IncomingMessage, url: URL, guard: Guard): 'query' | 'other' | undefined {
  if (sameSecret(url.searchParams.get('token') ?? undefined, guard.token)) return 'query'
  const header = req.headers['x-curio-token']
  if (sameSecret(typeof header === 'string' ? header : undefined, guard.token)) return 'other'
  if (sameSecret(cookie(req, cookieName(guard.port)), guard.token)) return 'other'
  return undefined
}

/** The checks above, for one request; undefined when it may go on. */
export function refuse(req: IncomingMessage, url: URL, guard: Guard): Refusal | undefined {
  if (!hostAllowed(req.headers.host, guard)) {
    return { status: 403, message: `refused: Host ${req.headers.host ?? '(none)'} is not this monitor` }
  }
  if (tokenSource(req, url, guard) === undefined) {
    return { status: 401, message: 'refused: missing or wrong token (open the URL the program printed)' }
  }
  const origin = req.headers.origin
  const own = `http://${req.headers.host}`
  if (origin !== undefined && origin !== own) {
    return { status: 403, message: `refused: cross-origin request from ${origin}` }
  }
  if (req.method === 'POST' && origin === undefined) {
    return { status: 403, message: 'refused: a change needs a same-origin Origin header' }
  }
  return undefined
}
