import { runServer, type Socket, tcpServerSocket } from '@curio/io'
import type { Activation, Kernel, Operation, Task } from '@curio/kernel'
import { awaitPromise, CancelledError, getCurrentTask } from '@curio/kernel'
import { execute } from './commands.js'
import { newToken } from './web/security.js'
import { WebServer } from './web/server.js'

/** Options for `new Monitor`. */
export interface MonitorOptions {
  /** TCP port; default 48802 (Curio's). 0 picks a free port: read it with `address()`. */
  port?: number
  /** Interface to listen on; default `127.0.0.1`. Anyone who can connect can cancel tasks. */
  host?: string
  /**
   * Also serve a live page of the task tree over HTTP on the same host (default port 48803;
   * 0 picks a free one): `true`, or `{ port }`. Off unless asked for. Read its URL, which
   * carries the access token, with `webUrl()`; it is also printed once to stderr.
   */
  web?: boolean | { port?: number }
}

/** The address the monitor listens on. */
export interface MonitorAddress {
  host: string
  port: number
}

const PROMPT = 'curio > '

function checkPort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`${what} must be an integer from 0 to 65535, got ${port}`)
  }
  return port
}

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  // Nobody may be asking for the address; a failure to listen is reported anyway.
  promise.catch(() => {})
  return { promise, resolve, reject }
}

/**
 * A live console into a running program (Curio's monitor): pass it in `activations` and
 * connect with `curio-monitor` (or `nc 127.0.0.1 48802`) to list every task, see where each
 * waits, and cancel the stuck one.
 *
 * The console server is a daemon task, started with each run's main task: shutdown cancels
 * it, so it never keeps the process alive after main ends.
 *
 * @example
 * ```ts
 * await run(main, { activations: [new Monitor()], debug: true })
 * // $ npx curio-monitor        (then: ps, where 3, cancel 3)
 * ```
 */
export class Monitor implements Activation {
  readonly host: string
  readonly port: number
  /** The web view's port as asked for (0: any free one); undefined when the web view is off. */
  readonly webPort: number | undefined
  private kernel: Kernel | undefined = undefined
  private server: Task<unknown> | undefined = undefined
  private starting = false
  private listening = deferred<MonitorAddress>()
  /** The monitor's own tasks, which `cancel` refuses to touch. */
  private readonly own = new Set<Task<unknown>>()
  private web: Task<unknown> | undefined = undefined
  private webListening = deferred<string>()
  /** The page's URL while it is served (the console's `web` command prints it). */
  private webServing: string | undefined = undefined
  private webPrinted: string | undefined = undefined
  /** The web view's secret: one per monitor, so a page stays valid across runs. */
  private readonly token = newToken()

  constructor(options: MonitorOptions = {}) {
    this.port = checkPort(options.port ?? 48802, 'monitor port')
    this.host = options.host ?? '127.0.0.1'
    const web = options.web ?? false
    if (web !== false && web !== true && (typeof web !== 'object' || web === null)) {
      throw new TypeError(`web must be true, false or { port }, got ${String(web)}`)
    }
    this.webPort = web === false ? undefined : checkPort((web === true ? {} : web).port ?? 48803, 'web port')
    if (this.webPort === undefined) {
      this.webListening.reject(new Error('the web view is off: pass { web: true } to new Monitor()'))
    }
  }

  /** Where the console listens, once it does (the real port when `port` was 0). */
  address(): Promise<MonitorAddress> {
    return this.listening.promise
  }

  /**
   * The web view's address with its access token (`http://127.0.0.1:48803/?token=...`), once
   * it listens; rejects when it cannot listen, or when the monitor was made without `web`.
   */
  webUrl(): Promise<string> {
    return this.webListening.promise
  }

  /**
   * Activation hook: remembers the kernel whose tasks the console shows. A monitor may serve
   * one `run` after another, but not two kernels at once (they would share its port), nor a
   * kernel with a virtual clock.
   */
  activate(kernel: Kernel): void {
    if (kernel.virtual) {
      // Its accept is an external wait, which holds a virtual clock still: every sleep would hang.
      throw new TypeError('a Monitor needs the real clock: a virtual one would stand still while it listens')
    }
    if (this.kernel !== undefined && this.kernel !== kernel && this.server?.terminated === false) {
      throw new Error('this Monitor is serving another kernel: make a new Monitor for each kernel')
    }
    this.kernel = kernel
  }

  /**
   * Activation hook: a main task was created, so start the console server beside it.
   *
   * Discussion: `activate` runs when the kernel is made, before it runs anything; the server
   * starts with a main task instead (a task with no parent), so a kernel that runs several
   * mains in turn gets a console for each run after shutdown cancelled the previous one.
   */
  created(task: Task<unknown>): void {
    const kernel = this.kernel
    if (kernel === undefined || task.parentId !== undefined || this.starting) return
    // Spawning is creating: the guard keeps our own tasks from starting servers of their own.
    this.starting = true
    try {
      if (this.server === undefined || this.server.terminated) {
        this.server = kernel.spawn(() => this.serve(kernel), { daemon: true, name: 'monitor' })
      }
      if (this.webPort !== undefined && (this.web === undefined || this.web.terminated)) {
        this.web = kernel.spawn(() => this.serveWeb(kernel, this.webPort!), {
          daemon: true,
          name: 'monitorWeb',
        })
      }
    } finally {
      this.starting = false
    }
  }

  private *serve(kernel: Kernel): Operation<void> {
    const listening = this.listening
    const self = getCurrentTask()!
    this.own.add(self)
    let sock: Socket | undefined
    try {
      sock = tcpServerSocket(this.host, this.port)
      // Node reports a failed listen (EADDRINUSE) on its next tick; one turn of the event
      // loop later, getsockname() throws it, so address() never names a port nobody serves.
      yield* awaitPromise(new Promise((resolve) => setImmediate(resolve)))
      const [host, port] = sock.getsockname() as [string, number]
      listening.resolve({ host, port })
    } catch (error) {
      sock?.close()
      this.own.delete(self)
      if (error instanceof CancelledError) throw error
      listening.reject(error)
      console.error(`curio monitor: cannot listen on ${this.host}:${this.port}:`, error)
      return
    }
    try {
      const monitorSession = (client: Socket): Operation<void> => this.session(kernel, client)
      yield* runServer(sock, monitorSession)
    } finally {
      this.own.delete(self)
      this.listening = deferred()
    }
  }

  /** The web view's server, a daemon task beside the console's, with the same lifetime. */
  private *serveWeb(kernel: Kernel, port: number): Operation<void> {
    const listening = this.webListening
    const self = getCurrentTask()!
    this.own.add(self)
    const server = new WebServer({ kernel, host: this.host, port, token: this.token, own: this.own })
    try {
      const url = yield* awaitPromise(server.listen())
      listening.resolve(url)
      this.webServing = url
      if (url !== this.webPrinted) {
        this.webPrinted = url
        process.stderr.write(`curio monitor: web view at ${url}\n`)
      }
    } catch (error) {
      server.close()
      this.own.delete(self)
      if (error instanceof CancelledError) throw error
      listening.reject(error)
      console.error(`curio monitor: cannot serve the web view on ${this.host}:${port}:`, error)
      return
    }
    try {
      yield* awaitPromise(server.closed())
    } finally {
      server.close()
      this.own.delete(self)
      this.webServing = undefined
      this.webListening = deferred()
    }
  }

  private *session(kernel: Kernel, client: Socket): Operation<void> {
    const self = getCurrentTask()!
    this.own.add(self)
    try {
      const stream = client.asStream()
      const count = kernel.tasks().length
      yield* stream.write(
        Buffer.from(`curio monitor: ${count} tasks running; type help for commands\n${PROMPT}`),
      )
      for (;;) {
        const line = yield* stream.readline()
        if (line.length === 0) return
        const answer = yield* execute(kernel, line.toString('utf8'), this.own, this.webServing)
        if (answer === undefined) {
          yield* stream.write(Buffer.from('bye\n'))
          return
        }
        yield* stream.write(Buffer.from(answer === '' ? PROMPT : `${answer}\n${PROMPT}`))
      }
    } finally {
      this.own.delete(self)
    }
  }
}
