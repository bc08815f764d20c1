/**
 * Message channels: round trips of 100-byte and 64 KiB messages between two processes over a
 * Unix socket, curio's `Channel`/`Connection` on both ends, against Node's own child_process
 * IPC (`process.send`, advanced serialization, so bytes travel as bytes) and Python's
 * `multiprocessing.connection` on both ends. Each side's far end is a process started once
 * (its start-up lands in the warm-up run) and stopped by the row's teardown.
 */
import { type ChildProcess, fork, spawn as spawnChild } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Channel } from '@curio/io'
import { type Operation, run } from '@curio/kernel'
import type { Area, Row } from './harness.js'

const here = (file: string) => fileURLToPath(new URL(`./channel/${file}`, import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'curio-bench-channel-'))

/** A long-lived helper process driven by lines on its stdin. */
class LinePeer {
  private child: ChildProcess | undefined
  private lines: Interface | undefined
  constructor(private readonly start: () => ChildProcess) {}

  get process(): ChildProcess {
    if (this.child === undefined) {
      this.child = this.start()
      this.lines = createInterface({ input: this.child.stdout! })
    }
    return this.child
  }

  send(line: string): void {
    this.process.stdin!.write(`${line}\n`)
  }

  async line(): Promise<string> {
    const [line] = (await once(this.lines!, 'line')) as [string]
    return line
  }

  async stop(): Promise<void> {
    const child = this.child
    if (child === undefined) return
    this.child = undefined
    this.lines?.close()
    // Drained to the end, its stdout closes too, and with it the last handle on the child.
    child.stdout?.resume()
    const closed = once(child, 'close')
    child.stdin?.end()
    await closed
  }
}

// ---- curio on both ends --------------------------------------------------------------------

const curioPeer = new LinePeer(() =>
  spawnChild(process.execPath, ['--import', 'tsx', here('curio-peer.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  }),
)

function* curioRoundTrips(size: number, n: number): Operation<void> {
  const path = join(dir, 'curio.sock')
  using channel = new Channel(path)
  channel.bind()
  curioPeer.send(path)
  using conn = yield* channel.accept()
  const message = Buffer.alloc(size, 'x')
  for (let i = 0; i < n; i++) {
    yield* conn.sendBytes(message)
    yield* conn.recvBytes()
  }
}

// ---- child_process IPC ---------------------------------------------------------------------

let ipcChild: ChildProcess | undefined

async function ipcRoundTrips(size: number, n: number): Promise<void> {
  ipcChild ??= fork(here('ipc-peer.mjs'), { serialization: 'advanced', stdio: 'inherit' })
  const child = ipcChild
  const message = Buffer.alloc(size, 'x')
  for (let i = 0; i < n; i++) {
    const reply = once(child, 'message')
    child.send(message)
    await reply
  }
}

async function stopIpc(): Promise<void> {
  const child = ipcChild
  ipcChild = undefined
  if (child === undefined) return
  const exited = once(child, 'exit')
  child.disconnect()
  await exited
}

// ---- Python on both ends -------------------------------------------------------------------

const pythonPeer = new LinePeer(() =>
  spawnChild('python3', [here('mp_bench.py')], { stdio: ['pipe', 'pipe', 'inherit'] }),
)

async function pythonRoundTrips(size: number, n: number): Promise<void> {
  pythonPeer.send(`${size} ${n}`)
  const done = await pythonPeer.line()
  if (done !== 'done') throw new Error(`mp_bench.py said ${done}`)
}

async function teardown(): Promise<void> {
  await Promise.all([curioPeer.stop(), stopIpc(), pythonPeer.stop()])
  // A child's process handle is released in the close phase of the loop turn after its exit:
  // one timer turn later nothing of it is left open.
  await new Promise((resolve) => setTimeout(resolve, 0))
}

function row(size: number, label: string, n: number, min: number): Row {
  return {
    name: `channel round trip ${label}, Unix socket`,
    n,
    unit: 'msg',
    impls: {
      curio: (n) => run(curioRoundTrips(size, n)),
      'child_process IPC': (n) => ipcRoundTrips(size, n),
      'python mp.connection': (n) => pythonRoundTrips(size, n),
    },
    targets: [{ vs: 'child_process IPC', min }],
    teardown,
    note: 'one message out and its echo back between two processes; curio: Channel/Connection sendBytes+recvBytes on both ends; child_process: fork() with advanced serialization, process.send of a Buffer; python: multiprocessing.connection Listener/Client, send_bytes+recv_bytes, timed from the driver process (one control line per run)',
  }
}

// Targets: at least Node's own IPC for small messages; for 64 KiB the frame copy (see
// encodeFrame) and the per-chunk wake-ups cost more than IPC's, measured at 0.8x.
const rows: Row[] = [row(100, '100 B', 10_000, 1), row(64 * 1024, '64 KiB', 2_000, 0.75)]

export const area: Area = { name: 'channel', rows }

process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
