/**
 * The echo server at scale: `conns` connections open at once (the client in its own process,
 * `scale-client.mjs`), every byte of every echo verified, the server's memory measured with all
 * of them open, then every server-side socket checked to be released once the client closes.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import { heapMark, heapSince } from '../harness.js'
import type { EchoServer } from './servers.js'

let child: ChildProcess | undefined

function client(): ChildProcess {
  if (child !== undefined) return child
  child = fork(new URL('./scale-client.mjs', import.meta.url), [], { execArgv: [], stdio: 'inherit' })
  // The bench process must be able to exit with the client idle; it exits on disconnect.
  child.unref()
  ;(child as unknown as { channel?: { unref(): void } }).channel?.unref()
  return child
}

async function ask<T>(message: object): Promise<T> {
  const gen = client()
  const answer = once(gen, 'message')
  gen.send(message)
  const [result] = (await answer) as [T & { error?: string }]
  if (result.error !== undefined) throw new Error(`scale client failed: ${result.error}`)
  return result
}

/** Sockets the process holds open (the server's connections, its listener...). */
function openSockets(): number {
  return (process as unknown as { _getActiveHandles(): object[] })
    ._getActiveHandles()
    .filter((h) => h.constructor.name === 'Socket' || h.constructor.name === 'TLSSocket').length
}

/**
 * Bytes the server holds with `conns` connections open and echoed once (V8 heap plus the
 * buffers outside it). Throws if a byte came back wrong or a server socket outlives its client.
 */
export async function scaleEcho(
  start: () => Promise<EchoServer>,
  conns: number,
  size: number,
): Promise<number> {
  const before = openSockets()
  const mark = heapMark()
  const external = process.memoryUsage().external
  const server = await start()
  try {
    const { verified, wrong } = await ask<{ verified: number; wrong: number }>({
      port: server.port,
      conns,
      size,
    })
    if (verified !== conns || wrong !== 0)
      throw new Error(`echo at scale: ${wrong} of ${verified} echoes wrong`)
    const bytes = heapSince(mark) + (process.memoryUsage().external - external)
    await ask({ close: true })
    // Every server-side socket goes once its client has closed (a few turns of the event loop).
    for (let i = 0; i < 200 && openSockets() > before + 1; i++) await new Promise((r) => setTimeout(r, 10))
    const left = openSockets() - before - 1
    if (left > 0) throw new Error(`echo at scale: ${left} server sockets still open after the clients closed`)
    return bytes
  } finally {
    await server.stop()
  }
}
