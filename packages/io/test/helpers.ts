// Test helpers: plain `node:net` peers (promise code outside the kernel) and handle checks.

import { connect, createServer, type Socket as NetSocket, type Server } from 'node:net'
import { awaitPromise, type Operation } from '@curio/kernel'
import { AF_INET, SOCK_STREAM, type Socket, socket } from '../src/index.js'

/** A plain Node client connected to `port` on 127.0.0.1. */
export function nodeClient(port: number): Promise<NetSocket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port }, () => resolve(sock))
    sock.once('error', reject)
  })
}

/** Everything `sock` sends until it ends. */
export function readAll(sock: NetSocket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    sock.on('data', (c: Buffer) => chunks.push(c))
    sock.once('end', () => resolve(Buffer.concat(chunks)))
    sock.once('error', reject)
  })
}

/** Read from `sock` until `n` bytes have arrived. */
export function readBytes(sock: NetSocket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let got = 0
    const onData = (c: Buffer) => {
      chunks.push(c)
      got += c.length
      if (got >= n) {
        sock.off('data', onData)
        resolve(Buffer.concat(chunks))
      }
    }
    sock.on('data', onData)
    sock.once('error', reject)
  })
}

/** Run `op`, which must throw; return what it threw. */
export function* expectThrow(op: Operation<unknown>): Operation<any> {
  try {
    yield* op
  } catch (error) {
    return error
  }
  throw new Error('expected the operation to throw')
}

/** A plain Node server on 127.0.0.1 with a free port, calling `onConnection` per connection. */
export function nodeServer(
  onConnection: (sock: NetSocket) => void,
  options: { allowHalfOpen?: boolean } = {},
): Promise<Server & { port: number }> {
  return new Promise((resolve) => {
    const server = createServer(options, onConnection)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      resolve(Object.assign(server, { port }))
    })
  })
}

/** Close a plain server and wait until it is gone. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

/** Socket and server handles still alive, after letting pending closes finish. */
export async function liveSocketHandles(): Promise<string[]> {
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  return process.getActiveResourcesInfo().filter((name) => /^TCP/.test(name))
}

/** A listening curio socket on 127.0.0.1 and its port. */
export function listening(): [Socket, number] {
  const sock = socket(AF_INET, SOCK_STREAM)
  sock.bind(['127.0.0.1', 0])
  sock.listen()
  return [sock, (sock.getsockname() as [string, number])[1]]
}

/** A connected pair: a curio socket (server side), a plain node:net peer, and the listener. */
export function* pair(): Operation<[Socket, NetSocket, Socket]> {
  const [server, port] = listening()
  const peer = awaitPromise(nodeClient(port))
  const [conn] = yield* server.accept()
  return [conn, yield* peer, server]
}

/** Let the event loop turn once, so waiting tasks block and I/O callbacks run. */
export function* turn(): Operation<void> {
  yield* awaitPromise(new Promise((resolve) => setImmediate(resolve)))
}
