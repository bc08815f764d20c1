// The Node-citizen rules (API.md, "Running") hold for every package, not only the kernel:
// async context across socket, process, worker and Universal wakes; autojump around an idle
// socket and a running child process; deadlock reported across packages.
import { AsyncLocalStorage } from 'node:async_hooks'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import {
  AF_INET,
  awaitPromise,
  clock,
  type Operation,
  openConnection,
  Popen,
  run,
  runInThread,
  SOCK_STREAM,
  socket,
  spawn,
  TaskTimeout,
  timeoutAfter,
  UniversalEvent,
  UniversalQueue,
} from '../src/index.js'

const als = new AsyncLocalStorage<string>()

/** Run `body` as a task spawned inside `als.run(store)`, return what it returns. */
function* inStore<T>(store: string, body: () => Operation<T>): Operation<T> {
  const task = yield* als.run(store, () => spawn(body))
  return yield* task.join()
}

describe('async context holds whatever package woke the task', () => {
  it('woken by socket events (accept, recv, connect)', async () => {
    const seen: string[] = []
    await run(function* () {
      const server = socket(AF_INET, SOCK_STREAM)
      server.bind(['127.0.0.1', 0])
      server.listen()
      const port = (server.getsockname() as [string, number])[1]
      const serving = yield* als.run('server', () =>
        spawn(function* () {
          const [client] = yield* server.accept()
          seen.push(`accepted:${als.getStore()}`)
          const data = yield* client.recv(100)
          seen.push(`recv ${data.toString()}:${als.getStore()}`)
          client.close()
        }),
      )
      yield* inStore('client', function* () {
        const conn = yield* openConnection('127.0.0.1', port)
        seen.push(`connected:${als.getStore()}`)
        yield* awaitPromise(new Promise((r) => setTimeout(r, 10))) // the server waits in recv
        yield* conn.sendall(new TextEncoder().encode('hi'))
        const end = yield* conn.recv(100) // woken by the server's close
        seen.push(`eof ${end.length}:${als.getStore()}`)
        conn.close()
      })
      yield* serving.join()
      server.close()
    })
    expect(seen.sort()).toEqual(['accepted:server', 'connected:client', 'eof 0:client', 'recv hi:server'])
  })

  it('woken by a child process exit and a worker thread result', async () => {
    const seen = await run(function* () {
      const proc = yield* inStore('proc', function* () {
        const p = new Popen(['sh', '-c', 'sleep 0.05'])
        yield* p.wait()
        return als.getStore()
      })
      const thread = yield* inStore('thread', function* () {
        yield* runInThread((n: number) => n * 2, 21)
        return als.getStore()
      })
      return [proc, thread]
    })
    expect(seen).toEqual(['proc', 'thread'])
  })

  it('woken through Universal objects set from promise code in another context', async () => {
    const event = new UniversalEvent()
    const queue = new UniversalQueue<number>()
    als.run('elsewhere', () =>
      setTimeout(async () => {
        event.set()
        await queue.putAsync(1)
      }, 5),
    )
    const seen = await run(function* () {
      const a = yield* inStore('event', function* () {
        yield* event.wait()
        return als.getStore()
      })
      const b = yield* inStore('queue', function* () {
        yield* queue.get()
        return als.getStore()
      })
      return [a, b]
    })
    expect(seen).toEqual(['event', 'queue'])
  })
})

describe('virtual clock autojump with real I/O pending', () => {
  it('a timeoutAfter around an idle socket fires', async () => {
    const result = await run(
      function* () {
        const server = socket(AF_INET, SOCK_STREAM)
        server.bind(['127.0.0.1', 0])
        server.listen()
        const port = (server.getsockname() as [string, number])[1]
        const conn = yield* openConnection('127.0.0.1', port)
        const [peer] = yield* server.accept() // connected, and never sends a byte
        const start = yield* clock()
        try {
          yield* timeoutAfter(30_000, conn.recv(100))
          return 'received?'
        } catch (error) {
          return `${(error as Error).name} after ${(yield* clock()) - start} virtual ms`
        } finally {
          conn.close()
          peer.close()
          server.close()
        }
      },
      { clock: 'virtual', autojump: 20 },
    )
    expect(result).toBe('TaskTimeout after 30000 virtual ms')
  })

  it('a timeoutAfter around a child process that runs on fires, and the process can be killed', async () => {
    const error = await run(
      function* () {
        const p = new Popen(['sleep', '30'])
        try {
          yield* timeoutAfter(10_000, p.wait())
        } catch (e) {
          p.kill()
          yield* p.wait()
          return e
        }
      },
      { clock: 'virtual', autojump: 20 },
    )
    expect(error).toBeInstanceOf(TaskTimeout)
  })
})

describe('deadlock across packages', () => {
  const here = dirname(fileURLToPath(import.meta.url))
  const dir = mkdtempSync(join(tmpdir(), 'curio-citizen-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('tasks stuck on a Queue, a UniversalEvent and a Lock are named, and the run rejects', async () => {
    const file = join(dir, 'stuck.mts')
    writeFileSync(
      file,
      `import * as curio from ${JSON.stringify(join(here, '..', 'src', 'index.ts'))}
await curio.run(function* main() {
  const q = new curio.Queue<number>()
  const lock = new curio.Lock()
  yield* lock.acquire()
  yield* curio.spawn(function* consumer() { yield* q.get() })
  yield* curio.spawn(function* locker() { yield* lock.acquire() })
  yield* new curio.UniversalEvent().wait()
})
`,
    )
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--conditions=@curio/source', '--import', 'tsx', file],
        { cwd: join(here, '..'), encoding: 'utf8', timeout: 15_000 },
        (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
      ),
    )
    expect(r.code).not.toBe(0)
    expect(r.code).not.toBe(13)
    expect(r.stderr).toContain('DeadlockError')
    expect(r.stderr).toMatch(/task \d+ \(main\) \w+/)
    expect(r.stderr).toMatch(/task \d+ \(consumer\) \w+/)
    expect(r.stderr).toMatch(/task \d+ \(locker\) \w+/)
  })
})
