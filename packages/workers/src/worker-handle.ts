/** How a worker ended. */
export interface ExitInfo {
  exitCode: number | null
  signal: string | null
  /** What it threw outside any call, or ran out of, when the worker said. */
  cause?: unknown
}

/** What a pool needs from a worker, thread or process alike. */
export interface WorkerHandle {
  /** `threadId` of a thread, `pid` of a process. */
  readonly id: number
  /** Post a message; throws at once (nothing sent) when it cannot be cloned. */
  send(message: object): void
  /** Keep the parent alive while a call runs... */
  ref(): void
  /** ...and not while the worker is idle. */
  unref(): void
  /** Terminate the thread / SIGKILL the process; the exit callback follows when it is gone. */
  kill(): void
}

/** Callbacks a worker reports to; `exit` comes once, after the worker is gone. */
export interface WorkerEvents {
  message(message: any): void
  exit(info: ExitInfo): void
}

/** The worker entry, found beside this module both in src/ (tests) and in dist/. */
export const workerEntry: URL = new URL('./worker-entry.js', import.meta.url)
