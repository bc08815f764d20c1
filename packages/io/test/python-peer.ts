// A python3 process running fixtures/mp_peer.py: Python's own multiprocessing.connection as
// the peer of the channel tests (promise code outside the kernel).

import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('./fixtures/mp_peer.py', import.meta.url))

/** A running peer: its stdout lines, one at a time, and its exit. */
export interface PythonPeer {
  readonly child: ChildProcess
  /** The next line it prints (rejects if it exits first). */
  line(): Promise<string>
  /** Its exit code. */
  exited: Promise<number | null>
}

/** Start `mp_peer.py role address authkey dialect` (see the script for what each does). */
export function pythonPeer(
  role: 'listen' | 'client' | 'pipes',
  address: string,
  authkey = '-',
  dialect: '3.11' | '3.12' = '3.11',
): PythonPeer {
  const child = spawn('python3', [SCRIPT, role, address, authkey, dialect], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  let pending = ''
  const lines: string[] = []
  const waiting: Array<(line: string | undefined) => void> = []
  let ended = false
  if (role !== 'pipes') {
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (text: string) => {
      pending += text
      for (let at = pending.indexOf('\n'); at >= 0; at = pending.indexOf('\n')) {
        const line = pending.slice(0, at)
        pending = pending.slice(at + 1)
        const next = waiting.shift()
        if (next) next(line)
        else lines.push(line)
      }
    })
    child.stdout!.on('end', () => {
      ended = true
      for (const next of waiting.splice(0)) next(undefined)
    })
  }
  return {
    child,
    exited,
    line() {
      const line = lines.shift()
      if (line !== undefined) return Promise.resolve(line)
      if (ended) return Promise.reject(new Error('the Python peer exited without a line'))
      return new Promise((resolve, reject) =>
        waiting.push((l) =>
          l === undefined ? reject(new Error('the Python peer exited without a line')) : resolve(l),
        ),
      )
    },
  }
}
