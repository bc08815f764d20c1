import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { tcpServerSocket } from '@curio/io'
import { awaitPromise, type Operation, run, sleep, spawn, timeoutAfter, WaitQueue } from '@curio/kernel'
import { describe, expect, it, vi } from 'vitest'
import { Monitor } from '../src/index.js'
import { MonitorClient } from './console.js'
import { EventStream, http } from './web-client.js'

/** The web view of a live monitor, as a test reaches it. */
interface Web {
  monitor: Monitor
  port: number
  token: string
  url: string
  /** Headers of a well-behaved page: its own Host, the token, its own Origin. */
  ok: Record<string, string>
}

/** The line of this file that holds `marker`: where() must name it, however the file moves. */
const lineOf = (marker: string) =>
  readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(`// ${marker}`)) + 1
const waiterLine = lineOf('waiter waits here')

function* waiter(q: WaitQueue): Operation<void> {
  yield* q.suspend('QUEUE_WAIT') // waiter waits here
}

/** Run `check` against a live web view while `setup`'s tasks exist; real clock, real sockets. */
function withWeb<T>(setup: () => Operation<T>, check: (web: Web, tasks: T) => Promise<void>): Promise<void> {
  const monitor = new Monitor({ port: 0, web: { port: 0 } })
  return run(
    function* main() {
      const tasks = yield* setup()
      const url = yield* awaitPromise(monitor.webUrl())
      const { port, searchParams } = new URL(url)
      const token = searchParams.get('token')!
      const host = `127.0.0.1:${port}`
      const ok = { Host: host, 'X-Curio-Token': token, Origin: `http://${host}` }
      yield* awaitPromise(check({ monitor, port: Number(port), token, url, ok }, tasks))
    },
    { debug: true, activations: [monitor] },
  )
}

const json = { 'Content-Type': 'application/json' }

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'curio-monitor.mjs')
/** The curio-monitor CLI with these arguments. */
const cli = (...args: string[]) => promisify(execFile)(process.execPath, [bin, ...args])

describe('Monitor web view', () => {
  it('webUrl() names the page with a fresh token, printed once to stderr; the page and its assets load', async () => {
    const printed = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const tokens: string[] = []
    try {
      await withWeb(
        function* () {},
        async ({ url, port, token, ok }) => {
          tokens.push(token)
          expect(url).toBe(`http://127.0.0.1:${port}/?token=${token}`)
          expect(token).toMatch(/^[\w-]{22}$/)
          const page = await http(port, `/?token=${token}`, { headers: { Host: `127.0.0.1:${port}` } })
          expect(page.status).toBe(200)
          expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
          expect(page.body).toContain('<ul id="tree"')
          expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
          const cookie = page.headers['set-cookie']![0]!
          expect(cookie).toBe(`curio-monitor-${port}=${token}; Path=/; HttpOnly; SameSite=Strict`)
          // The cookie alone opens the rest, as it does for the page's own requests.
          const asPage = { Host: `127.0.0.1:${port}`, Cookie: cookie.split(';')[0]! }
          expect((await http(port, '/monitor.js', { headers: asPage })).body).toContain(
            "new EventSource('/api/events')",
          )
          expect((await http(port, '/monitor.css', { headers: asPage })).status).toBe(200)
          expect((await http(port, '/nope', { headers: ok })).status).toBe(404)
        },
      )
      const lines = printed.mock.calls.map(([line]) => String(line)).filter((l) => l.includes('web view'))
      expect(lines).toEqual([
        expect.stringMatching(/^curio monitor: web view at http:\/\/127\.0\.0\.1:\d+\/\?token=/),
      ])
      expect(lines[0]).toContain(tokens[0])
    } finally {
      printed.mockRestore()
    }
    expect(new Monitor({ web: true }).webPort).toBe(48803)
  })

  it('refuses a request without the token, or with a wrong one', async () => {
    await withWeb(
      function* () {},
      async ({ port, token, ok }) => {
        const host = ok.Host!
        const tries: Record<string, string>[] = [
          { Host: host },
          { Host: host, 'X-Curio-Token': `${token.slice(1)}x` },
          { Host: host, 'X-Curio-Token': token.slice(1) },
          { Host: host, Cookie: `curio-monitor-${port + 1}=${token}` },
        ]
        for (const headers of tries) {
          for (const path of ['/', '/monitor.js', '/api/events', '/api/where?id=1']) {
            const answer = await http(port, path, { headers })
            expect([path, answer.status, answer.body]).toEqual([
              path,
              401,
              'refused: missing or wrong token (open the URL the program printed)\n',
            ])
          }
        }
        expect((await http(port, `/?token=wrong`, { headers: { Host: host } })).status).toBe(401)
      },
    )
  })

  it('refuses a Host that is not its own address (DNS rebinding), token or not', async () => {
    await withWeb(
      function* () {},
      async ({ port, ok }) => {
        for (const host of [
          `evil.example:${port}`,
          `127.0.0.1.nip.io:${port}`,
          `127.0.0.1:${port + 1}`,
          '127.0.0.1',
        ]) {
          const answer = await http(port, '/', { headers: { ...ok, Host: host } })
          expect([host, answer.status]).toEqual([host, 403])
          expect(answer.body).toMatch(/^refused: Host .* is not this monitor\n$/)
        }
        // HTTP/1.0 may leave Host out: refused too.
        const raw = await new Promise<string>((resolve, reject) => {
          let got = ''
          const sock = connect({ host: '127.0.0.1', port }, () =>
            sock.end(`GET /?token=${ok['X-Curio-Token']} HTTP/1.0\r\n\r\n`),
          )
          sock.on('data', (chunk) => (got += chunk))
          sock.on('end', () => resolve(got))
          sock.on('error', reject)
        })
        expect(raw).toMatch(/^HTTP\/1\.1 403 /)
        expect(raw).toContain('refused: Host (none) is not this monitor')
        const local = { Host: `localhost:${port}`, 'X-Curio-Token': ok['X-Curio-Token']! }
        expect((await http(port, '/', { headers: local })).status).toBe(200)
        expect(
          (await http(port, '/', { headers: { ...local, Origin: `http://localhost:${port}` } })).status,
        ).toBe(200)
      },
    )
  })

  it('takes changes only by POST with a same-origin Origin, as JSON; sends no CORS headers', async () => {
    const q = new WaitQueue()
    await withWeb(
      function* () {
        return yield* spawn(waiter(q), { name: 'waiter' })
      },
      async ({ port, ok }, w) => {
        const body = JSON.stringify({ id: w.id })
        const { Origin: _, ...noOrigin } = ok
        const cases: [string, Record<string, string>, string, number, RegExp][] = [
          ['no Origin', { ...noOrigin, ...json }, 'POST', 403, /a change needs a same-origin Origin/],
          [
            'other Origin',
            { ...ok, ...json, Origin: 'http://evil.example' },
            'POST',
            403,
            /cross-origin request from http:\/\/evil\.example/,
          ],
          [
            'other port',
            { ...ok, ...json, Origin: `http://127.0.0.1:${port + 1}` },
            'POST',
            403,
            /cross-origin/,
          ],
          ['null Origin', { ...ok, ...json, Origin: 'null' }, 'POST', 403, /cross-origin/],
          [
            'a form',
            { ...ok, 'Content-Type': 'application/x-www-form-urlencoded' },
            'POST',
            415,
            /as application\/json/,
          ],
          ['GET', ok, 'GET', 405, /GET is not allowed/],
          [
            'preflight',
            { ...ok, 'Access-Control-Request-Method': 'POST' },
            'OPTIONS',
            405,
            /OPTIONS is not allowed/,
          ],
        ]
        for (const [what, headers, method, status, message] of cases) {
          const answer = await http(port, '/api/cancel', {
            method,
            headers,
            body: method === 'POST' ? body : undefined,
          })
          expect([what, answer.status]).toEqual([what, status])
          expect(answer.body).toMatch(message)
          expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([])
        }
        // A page elsewhere cannot read the feed either, even knowing the token.
        expect(
          (await http(port, '/api/events', { headers: { ...ok, Origin: 'http://evil.example' } })).status,
        ).toBe(403)
        expect(w.terminated).toBe(false)
        const answer = await http(port, '/api/cancel', { method: 'POST', headers: { ...ok, ...json }, body })
        expect(answer.status).toBe(200)
        expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([])
        expect(JSON.parse(answer.body)).toEqual({ ok: true, message: `cancelled task ${w.id} (waiter)` })
        expect(w.cancelled && w.terminated).toBe(true)
      },
    )
  })

  it("bad cancel requests get a clear answer; the monitor's own tasks are refused", async () => {
    await withWeb(
      function* () {},
      async ({ port, ok, monitor: _ }) => {
        const post = (body: string) =>
          http(port, '/api/cancel', { method: 'POST', headers: { ...ok, ...json }, body })
        for (const body of ['', '{', '{"id":"3"}', '{"id":1.5}', JSON.stringify({ id: 'x'.repeat(2000) })]) {
          const answer = await post(body)
          expect([body.slice(0, 12), answer.status, answer.body]).toEqual([
            body.slice(0, 12),
            400,
            'send {"id": N} as application/json\n',
          ])
        }
        expect(JSON.parse((await post('{"id":999999}')).body)).toEqual({
          ok: false,
          message: 'no task 999999',
        })
        const feed = await EventStream.open(port, ok)
        const { data } = await feed.next()
        feed.close()
        const own = data.rows.filter((r: { own: boolean }) => r.own)
        expect(own.map((r: { name: string }) => r.name).sort()).toEqual(['monitor', 'monitorWeb'])
        for (const row of own) {
          const answer = await post(JSON.stringify({ id: row.id }))
          expect(answer.status).toBe(409)
          expect(JSON.parse(answer.body)).toEqual({
            ok: false,
            message: `task ${row.id} is the monitor itself; quit the session instead`,
          })
        }
      },
    )
  })

  it('feeds the whole tree, then only what changed: new tasks, states, deadlines, ended tasks', async () => {
    const q = new WaitQueue()
    const go = new WaitQueue()
    await withWeb(
      function* () {
        return yield* spawn(
          function* parent() {
            yield* spawn(waiter(q), { name: 'waiter' })
            yield* timeoutAfter(60_000, () => go.suspend('PARENT_WAIT'))
            yield* spawn(function* late() {
              yield* sleep(600_000)
            })
            yield* sleep(600_000)
          },
          { name: 'parent' },
        )
      },
      async ({ port, ok }, parent) => {
        const feed = await EventStream.open(port, ok)
        try {
          const reset = await feed.next()
          expect(reset.event).toBe('reset')
          const rows = new Map<number, any>(reset.data.rows.map((r: { id: number }) => [r.id, r]))
          const p = rows.get(parent.id)
          expect(p).toMatchObject({
            name: 'parent',
            parent: parent.parentId,
            state: 'PARENT_WAIT',
            daemon: false,
            own: false,
          })
          expect(p.deadline - reset.data.now).toBeGreaterThan(50_000)
          expect(p.deadline - reset.data.now).toBeLessThanOrEqual(60_000)
          const child = [...rows.values()].find((r) => r.parent === parent.id)
          expect(child).toMatchObject({ name: 'waiter', state: 'QUEUE_WAIT', deadline: null, cycles: 1 })
          expect(child.where).toMatch(new RegExp(`web\\.test\\.ts:${waiterLine}$`))
          expect(rows.get(parent.parentId!)).toMatchObject({ name: 'main', parent: null })

          go.wake()
          const next = await feed.until(
            (e) => e.event === 'update' && e.data.rows.some((r: any) => r.name === 'late'),
          )
          expect(next.data.rows.find((r: any) => r.id === parent.id)).toMatchObject({
            state: 'SLEEP',
            cycles: 2,
          })
          expect(next.data.rows.find((r: any) => r.name === 'late')).toMatchObject({
            parent: parent.id,
            state: 'SLEEP',
          })
          // Only what changed: main and the waiter did not.
          expect(next.data.rows.map((r: any) => r.id)).not.toContain(parent.parentId)
          expect(next.data.rows.map((r: any) => r.id)).not.toContain(child.id)

          q.wakeAll()
          const end = await feed.until((e) => e.event === 'update' && e.data.gone.length > 0)
          expect(end.data.gone).toEqual([child.id])
        } finally {
          feed.close()
        }
      },
    )
  })

  it('where and the console name the page; without web, both say it is off', async () => {
    await withWeb(
      function* () {
        return yield* spawn(waiter(new WaitQueue()), { name: 'waiter' })
      },
      async ({ port, ok }, w) => {
        const where = await http(port, `/api/where?id=${w.id}`, { headers: ok })
        expect(where.body).toMatch(
          new RegExp(`^task ${w.id} \\(waiter\\) QUEUE_WAIT\n  at .*web\\.test\\.ts:${waiterLine}\n`),
        )
        expect((await http(port, '/api/where?id=999999', { headers: ok })).status).toBe(404)
        expect((await http(port, '/api/where?id=x', { headers: ok })).status).toBe(404)
      },
    )
    const monitor = new Monitor({ port: 0 })
    await expect(monitor.webUrl()).rejects.toThrow(/the web view is off/)
    await run(
      function* () {
        const { port } = yield* awaitPromise(monitor.address())
        const client = yield* awaitPromise(MonitorClient.connect(port))
        expect(yield* awaitPromise(client.send('web'))).toBe(
          'error: the web view is off: start the program with new Monitor({ web: true })',
        )
        // Off means off: no task, no HTTP server.
        expect(yield* awaitPromise(client.send('ps'))).not.toMatch(/monitorWeb/)
        client.close()
      },
      { activations: [monitor] },
    )
  })

  it("the console's web command and curio-monitor --web print the page's address", async () => {
    const monitor = new Monitor({ port: 0, web: { port: 0 } })
    vi.spyOn(process.stderr, 'write').mockImplementationOnce(() => true)
    await run(
      function* () {
        const url = yield* awaitPromise(monitor.webUrl())
        const { port } = yield* awaitPromise(monitor.address())
        const client = yield* awaitPromise(MonitorClient.connect(port))
        expect(yield* awaitPromise(client.send('web'))).toBe(`open ${url}`)
        client.close()
        const { stdout } = yield* awaitPromise(cli('-p', String(port), '--web'))
        expect(stdout).toBe(`open ${url} in a browser\n`)
      },
      { activations: [monitor] },
    )
  })

  it('curio-monitor --web says so, and fails, when the program has no web view', async () => {
    const monitor = new Monitor({ port: 0 })
    await run(
      function* () {
        const { port } = yield* awaitPromise(monitor.address())
        const failure = yield* awaitPromise(
          cli('-p', String(port), '--web').catch((e: { code: number; stderr: string }) => e),
        )
        expect(failure).toMatchObject({
          code: 1,
          stderr: 'curio-monitor: the web view is off: start the program with new Monitor({ web: true })\n',
        })
      },
      { activations: [monitor] },
    )
  })

  it('stops serving when main ends: open pages see their stream end, the port is closed', async () => {
    const monitor = new Monitor({ port: 0, web: { port: 0 } })
    const printed = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    let port = 0
    let feed: EventStream | undefined
    try {
      await run(
        function* () {
          const url = new URL(yield* awaitPromise(monitor.webUrl()))
          port = Number(url.port)
          const host = `127.0.0.1:${port}`
          feed = yield* awaitPromise(
            EventStream.open(port, { Host: host, 'X-Curio-Token': url.searchParams.get('token')! }),
          )
          yield* awaitPromise(feed.next())
        },
        { activations: [monitor] },
      )
    } finally {
      printed.mockRestore()
    }
    await expect(feed!.next()).rejects.toThrow(/ended/)
    const refused = await new Promise<string>((resolve) => {
      const sock = connect({ host: '127.0.0.1', port })
      sock.once('connect', () => {
        sock.destroy()
        resolve('connected')
      })
      sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
    })
    expect(refused).toBe('ECONNREFUSED')
  })

  it('a web port that is taken is reported, and the program runs on', async () => {
    const taken = tcpServerSocket('127.0.0.1', 0)
    const [, port] = taken.getsockname() as [string, number]
    const monitor = new Monitor({ port: 0, web: { port } })
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const failure = await run(
        function* () {
          return yield* awaitPromise(
            monitor.webUrl().then(
              () => undefined,
              (e: NodeJS.ErrnoException) => e.code,
            ),
          )
        },
        { activations: [monitor] },
      )
      expect(failure).toBe('EADDRINUSE')
      expect(String(errors.mock.calls[0]?.[0])).toMatch(/cannot serve the web view on 127\.0\.0\.1:\d+/)
    } finally {
      errors.mockRestore()
      taken.close()
    }
  })

  it('on every interface, the URL names loopback and the page opens there', async () => {
    const monitor = new Monitor({ host: '0.0.0.0', port: 0, web: { port: 0 } })
    const printed = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      await run(
        function* () {
          const url = new URL(yield* awaitPromise(monitor.webUrl()))
          expect(url.hostname).toBe('127.0.0.1')
          const token = url.searchParams.get('token')!
          const answer = yield* awaitPromise(
            http(Number(url.port), `/?token=${token}`, { headers: { Host: url.host } }),
          )
          expect(answer.status).toBe(200)
        },
        { activations: [monitor] },
      )
    } finally {
      printed.mockRestore()
    }
  })

  it('takes only a valid web option', () => {
    expect(() => new Monitor({ web: { port: 70000 } })).toThrow(/web port must be an integer/)
    expect(() => new Monitor({ web: 'yes' as never })).toThrow(TypeError)
    expect(new Monitor().webPort).toBeUndefined()
    expect(new Monitor({ web: false }).webPort).toBeUndefined()
  })
})
