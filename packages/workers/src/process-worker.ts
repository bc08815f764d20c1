import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { decodeError } from './decode-error.js'
import { workerExecArgv } from './exec-argv.js'
import { type WorkerEvents, type WorkerHandle, workerEntry } from './worker-handle.js'

/** Options for a process worker. */
export interface ProcessWorkerOptions {
  execArgv?: string[] | undefined
}

const entryPath = fileURLToPath(workerEntry)

/** Fork a child process running the worker entry, talking over IPC with structured clone. */
export function startProcess(options: ProcessWorkerOptions, events: WorkerEvents): WorkerHandle {
  const child = fork(entryPath, [], {
    serialization: 'advanced',
    execArgv: options.execArgv ?? workerExecArgv(),
  })
  const channel = child.channel as unknown as { ref(): void; unref(): void } | undefined
  let cause: unknown
  let hasCause = false
  child.on('message', (message: any) => {
    if (message !== null && typeof message === 'object' && 'crash' in message) {
      cause = decodeError(message.crash)
      hasCause = true
    } else {
      events.message(message)
    }
  })
  child.on('error', (error) => {
    if (!hasCause) {
      cause = error
      hasCause = true
    }
  })
  // 'close', not 'exit': it comes after the IPC channel has delivered its last message, so a
  // crash report sent just before exiting is not lost.
  child.on('close', (exitCode, signal) =>
    events.exit(hasCause ? { exitCode, signal, cause } : { exitCode, signal }),
  )
  return {
    id: child.pid ?? -1,
    send: (message) => {
      child.send(message)
    },
    ref: () => {
      child.ref()
      channel?.ref()
    },
    unref: () => {
      child.unref()
      channel?.unref()
    },
    kill: () => {
      child.kill('SIGKILL')
    },
  }
}
