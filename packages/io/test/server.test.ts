import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { awaitPromise, type Operation, run, spawn, TaskCancelled, taskGroup } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import {
  type Address,
  openConnection,
  openUnixConnection,
  runServer,
  type Socket,
  tcpServer,
  tcpServerSocket,
  unixServer,
} from '../src/index.js'
import { liveSocketHandles, nodeClient, readAll, turn } from './helpers.js'

function* echo(client: Socket, _addr: Address): Operation<void> {
  for (;;) {
    const data = yield* client.recv(65536)
    if (data.length === 0) return
    yield* client.sendall(data)
  }
}

describe('servers', () => {
  it('tcpServerSocket is listening on its real port when it returns; runServer serves it', async () => {
    await run(function* () {
      const sock = tcpServerSocket('127.0.0.1', 0)
      const [, port] = sock.getsockname() as [string, number]
      const server = yield* spawn(runServer(sock, echo))
      using client = yield* openConnection('127.0.0.1', port)
      yield* client.sendall(Buffer.from('hi'))
      expect((yield* client.recv(10)).toString()).toBe('hi')
      yield* server.cancel()
    })
    expect(await liveSocketHandles()).toEqual([])
  })

  it('serves 1,000 concurrent connections', async () => {
    const n = 1000
    await run(function* () {
      const sock = tcpServerSocket('127.0.0.1', 0, { backlog: 2048 })
      const [, port] = sock.getsockname() as [string, number]
      const server = yield* spawn(runServer(sock, echo))
      const clients: Socket[] = []
      // All connected at once, then every one talks.
      yield* taskGroup({ wait: 'all' }, function* (group) {
        for (let i = 0; i < n; i++) {
          yield* group.spawn(function* () {
            clients[i] = yield* openConnection('127.0.0.1', port)
          })
        }
      })
      const replies = yield* taskGroup({ wait: 'all' }, function* (group) {
        for (let i = 0; i < n; i++) {
          yield* group.spawn(function* () {
            const client = clients[i]!
            const message = Buffer.from(`message ${i}\n`)
            yield* client.sendall(message)
            const reply = yield* client.asStream().readExactly(message.length)
            client.close()
            return reply.toString()
          })
        }
        yield* group.join()
        return group.results as string[]
      })
      expect(new Set(replies).size).toBe(n)
      for (const reply of replies) expect(reply).toMatch(/^message \d+\n$/)
      yield* server.cancel()
    })
    expect(await liveSocketHandles()).toEqual([])
  })

  it('a handler that throws is reported, its connection closed, and the server keeps serving', async () => {
    const reported: [unknown, Address][] = []
    await run(function* () {
      const sock = tcpServerSocket('127.0.0.1', 0)
      const [, port] = sock.getsockname() as [string, number]
      function* picky(client: Socket, addr: Address): Operation<void> {
        const data = yield* client.recv(100)
        if (data.toString() === 'boom') throw new Error('handler failed')
        yield* client.sendall(data)
        yield* echo(client, addr)
      }
      const server = yield* spawn(
        runServer(sock, picky, { onError: (error, addr) => reported.push([error, addr]) }),
      )
      const bad = yield* awaitPromise(nodeClient(port))
      const badPort = bad.localPort
      bad.write('boom')
      // The failing handler's connection is closed: the client reads end of stream.
      expect((yield* awaitPromise(readAll(bad))).length).toBe(0)
      bad.destroy()
      expect(reported).toHaveLength(1)
      expect((reported[0]![0] as Error).message).toBe('handler failed')
      expect(reported[0]![1]).toEqual(['127.0.0.1', badPort])
      using good = yield* openConnection('127.0.0.1', port)
      yield* good.sendall(Buffer.from('fine'))
      expect((yield* good.recv(100)).toString()).toBe('fine')
      yield* server.cancel()
    })
  })

  it('cancelling a server cancels its handlers and closes every socket', async () => {
    const ended: string[] = []
    const clientsSawEnd = await run(function* () {
      const sock = tcpServerSocket('127.0.0.1', 0)
      const [, port] = sock.getsockname() as [string, number]
      function* waiting(client: Socket): Operation<void> {
        try {
          yield* client.recv(100) // never answered
        } catch (error) {
          ended.push(error instanceof TaskCancelled ? 'cancelled' : String(error))
          throw error
        }
      }
      const server = yield* spawn(runServer(sock, waiting))
      const clients = []
      for (let i = 0; i < 3; i++) clients.push(yield* awaitPromise(nodeClient(port)))
      const eofs = clients.map((c) => readAll(c).then((b) => b.length === 0))
      while (ended.length === 0 && sock.toString().includes('listening')) {
        yield* turn()
        if (clients.length === 3) break
      }
      yield* server.cancel()
      expect(sock.toString()).toContain('closed')
      const result = yield* awaitPromise(Promise.all(eofs))
      for (const c of clients) c.destroy()
      return result
    })
    expect(ended).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect(clientsSawEnd).toEqual([true, true, true])
    expect(await liveSocketHandles()).toEqual([])
  })

  it('tcpServer surfaces a listen failure (EADDRINUSE) at once', async () => {
    await run(function* () {
      using taken = tcpServerSocket('127.0.0.1', 0)
      const [, port] = taken.getsockname() as [string, number]
      try {
        yield* tcpServer('127.0.0.1', port, echo)
        expect.unreachable()
      } catch (error) {
        expect(error).toMatchObject({ code: 'EADDRINUSE' })
      }
    })
  })

  it('unixServer and openUnixConnection talk over a Unix socket', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'curio-io-')), 'echo.sock')
    await run(function* () {
      const server = yield* spawn(unixServer(path, echo))
      yield* turn()
      using client = yield* openUnixConnection(path)
      yield* client.sendall(Buffer.from('over unix'))
      expect((yield* client.recv(100)).toString()).toBe('over unix')
      yield* server.cancel()
    })
    expect(await liveSocketHandles()).toEqual([])
  })
})
