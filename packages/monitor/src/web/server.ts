/**
 * The web view's HTTP server: the page, its live feed, `where` and `cancel`, each request
 * checked by `security.ts` first.
 *
 * Discussion: it is a `node:http` server rather than a curio socket server, because HTTP
 * parsing is Node's job and every handler here is a synchronous read of the kernel's task
 * list; only `cancel` has to run inside the kernel, and it does, as a task of its own
 * (`kernel.spawn`), the same `cancel` command the console runs.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getCurrentTask, type Kernel, type Operation, type Task } from '@curio/kernel'
import { execute } from '../commands.js'
import { whereText } from '../format.js'
import { TaskFeed } from './feed.js'
import { pageCss, pageHtml } from './page.js'
import { pageScript } from './page-script.js'
import { cookieName, type Guard, refuse, tokenSource, wildcard } from './security.js'

/** What the server needs from its monitor. */
export interface WebServerOptions {
  kernel: Kernel
  host: string
  port: number
  token: string
  /** The monitor's own tasks: shown without Cancel, refused by `cancel`. */
  own: Set<Task<unknown>>
}

/** Headers on every answer: never cached, never framed (no clickjacking the Cancel buttons), no referrer. */
const common = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
}

const csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

function send(res: ServerResponse, status: number, type: string, body: string, extra = {}): void {
  res.writeHead(status, { ...common, 'Content-Type': type, ...extra })
  res.end(body)
}

const text = (res: ServerResponse, status: number, body: string) =>
  send(res, status, 'text/plain; charset=utf-8', `${body}\n`)

/** The body of a small POST, at most `limit` bytes. */
async function readBody(req: IncomingMessage, limit = 1024): Promise<string | undefined> {
  let body = ''
  for await (const chunk of req) {
    body += chunk
    if (body.length > limit) return undefined
  }
  return body
}

/** The web view of one monitor, listening from `listen()` until `close()`. */
export class WebServer {
  private readonly server: Server
  private readonly feed: TaskFeed
  private guard: Guard

  constructor(private readonly options: WebServerOptions) {
    this.guard = { host: options.host, port: options.port, token: options.token }
    this.feed = new TaskFeed(options.kernel, options.own)
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) text(res, 500, `error: ${String(error)}`)
        else res.destroy()
      })
    })
  }

  /** Listen; resolve with the page's URL (token included), or reject if the port is taken. */
  async listen(): Promise<string> {
    this.server.listen(this.options.port, this.options.host)
    await once(this.server, 'listening')
    const { port } = this.server.address() as AddressInfo
    this.guard = { ...this.guard, port }
    // On every interface, the page is opened on this machine's loopback address.
    const listen = this.options.host
    const host = wildcard(listen)
      ? listen === '::'
        ? '[::1]'
        : '127.0.0.1'
      : listen.includes(':')
        ? `[${listen}]`
        : listen
    return `http://${host}:${port}/?token=${this.options.token}`
  }

  /** Resolves when the server has stopped, whoever stopped it. */
  closed(): Promise<void> {
    return once(this.server, 'close').then(() => undefined)
  }

  /** Stop listening and drop every connection, the pages' event streams included. */
  close(): void {
    this.feed.close()
    this.server.close()
    this.server.closeAllConnections()
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://monitor.invalid')
    const refusal = refuse(req, url, this.guard)
    if (refusal !== undefined) return text(res, refusal.status, refusal.message)
    const route = `${req.method} ${url.pathname}`
    switch (route) {
      case 'GET /':
        return send(res, 200, 'text/html; charset=utf-8', pageHtml, {
          'Content-Security-Policy': csp,
          // The URL's token becomes a cookie, so the page's own requests (and a reload
          // without the query) carry it; Strict keeps it off every request from another site.
          ...(tokenSource(req, url, this.guard) === 'query' && {
            'Set-Cookie': `${cookieName(this.guard.port)}=${this.guard.token}; Path=/; HttpOnly; SameSite=Strict`,
          }),
        })
      case 'GET /monitor.js':
        return send(res, 200, 'text/javascript; charset=utf-8', pageScript)
      case 'GET /monitor.css':
        return send(res, 200, 'text/css; charset=utf-8', pageCss)
      case 'GET /favicon.ico':
        // Browsers ask for one; no icon, and no 404 in the page's console either.
        res.writeHead(204, common)
        return void res.end()
      case 'GET /api/events':
        return this.feed.add(res)
      case 'GET /api/where': {
        const task = this.task(url.searchParams.get('id'))
        return task === undefined ? text(res, 404, 'no such task') : text(res, 200, whereText(task))
      }
      case 'POST /api/cancel':
        return this.cancel(req, res)
    }
    if (
      ['/', '/monitor.js', '/monitor.css', '/api/events', '/api/where', '/api/cancel'].includes(url.pathname)
    ) {
      // OPTIONS too: there is no CORS preflight to pass.
      return text(res, 405, `${req.method} is not allowed here`)
    }
    return text(res, 404, 'not found')
  }

  private task(id: string | null): Task<unknown> | undefined {
    if (id === null || !/^\d+$/.test(id)) return undefined
    return this.options.kernel.tasks().find((t) => t.id === Number(id))
  }

  /** `POST /api/cancel {"id": N}`: the console's `cancel N`, run as a monitor task. */
  private async cancel(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // JSON only: a cross-site form cannot send it without a preflight, which we never pass.
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      return text(res, 415, 'send {"id": N} as application/json')
    }
    const body = await readBody(req)
    let id: unknown
    try {
      id = body === undefined ? undefined : (JSON.parse(body) as { id?: unknown }).id
    } catch {
      id = undefined
    }
    if (!Number.isSafeInteger(id)) return text(res, 400, 'send {"id": N} as application/json')
    const { kernel, own } = this.options
    const runCancel = function* monitorCancel(): Operation<string | undefined> {
      const self = getCurrentTask()!
      own.add(self)
      try {
        return yield* execute(kernel, `cancel ${id}`, own)
      } finally {
        own.delete(self)
      }
    }
    const answer = (await kernel.spawn(runCancel, { daemon: true }).toPromise()) ?? ''
    const ok = !answer.startsWith('error: ')
    send(
      res,
      ok ? 200 : 409,
      'application/json',
      JSON.stringify({ ok, message: answer.replace(/^error: /, '') }),
    )
  }
}
