/**
 * A program that hangs, to practise with the monitor (the walk-through is docs/debugging.md).
 *
 * Three tasks fetch a report each from a little local server. The server's handler for
 * `weather` waits for a feed that never arrives, so that fetch waits for ever, and main with
 * it. Connect with `curio-monitor`, find the stuck tasks with `ps`, see where with
 * `where ID`, and `cancel ID` the stuck handler (or all of it from the printed web page): its
 * connection closes, the fetch reports "no answer", main prints the reports and it exits.
 *
 *   CURIO_DEBUG=1 node --conditions=@curio/source --import tsx examples/stuck.ts
 *   npx curio-monitor            # in another terminal, or open the printed web view URL
 */
import { openConnection, runServer, type Socket, tcpServerSocket } from '@curio/io'
import { awaitPromise, type Operation, run, spawn, type Task } from '@curio/kernel'
import { Monitor } from '@curio/monitor'
import { Event } from '@curio/sync'
import { isMain } from './is-main.js'

/** Set when the weather feed connects. Nothing ever connects it: this is the bug. */
const weatherFeed = new Event()

/** The server side: read a report name, answer one line. */
export function* reportHandler(client: Socket): Operation<void> {
  const stream = client.asStream()
  const name = (yield* stream.readline()).toString().trim()
  if (name === 'weather') yield* weatherFeed.wait()
  yield* stream.write(Buffer.from(`${name}: ok\n`))
}

/** The client side: ask for one report; an empty answer means the server hung up. */
export function* fetchReport(port: number, name: string): Operation<string> {
  const sock = yield* openConnection('127.0.0.1', port)
  try {
    const stream = sock.asStream()
    yield* stream.write(Buffer.from(`${name}\n`))
    const line = yield* stream.readline()
    return line.length === 0 ? `${name}: no answer` : line.toString().trim()
  } finally {
    sock.close()
  }
}

export function* main(monitor: Monitor): Operation<void> {
  const { host, port: monitorPort } = yield* awaitPromise(monitor.address())
  console.log(`monitor on ${host}:${monitorPort} (pid ${process.pid})`)
  const listener = tcpServerSocket('127.0.0.1', 0)
  const [, port] = listener.getsockname() as [string, number]
  yield* spawn(runServer(listener, reportHandler), { daemon: true, name: 'reportServer' })
  const fetches: Task<string>[] = []
  for (const name of ['sales', 'stock', 'weather']) {
    fetches.push(yield* spawn(fetchReport(port, name), { name: `fetch ${name}` }))
  }
  for (const fetch of fetches) console.log(yield* fetch.join())
}

if (isMain(import.meta.url)) {
  const monitor = new Monitor({
    port: Number(process.env.CURIO_MONITOR_PORT ?? 48802),
    web: { port: Number(process.env.CURIO_MONITOR_WEB_PORT ?? 48803) },
  })
  await run(main(monitor), { activations: [monitor] })
}
