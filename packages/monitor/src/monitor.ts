import { runServer, type Socket, tcpServerSocket } from '@curio/io'
import type { Activation, Kernel, Operation, Task } from '@curio/kernel'
import { awaitPromise, CancelledError, getCurrentTask } from '@curio/kernel'
import { execute } from './commands.js'

/** Options for `new Monitor`. */
export interface MonitorOptions {
  /** TCP port; default 48802 (Curio's). 0 picks a free port: read it with `address()`. */
  port?: number
  /** Interface to listen on; default `127.0.0.1`. Anyone who can connect can cancel tasks. */
  host?: string
}

/** The address the monitor listens on. */
export interface MonitorAddress {
  host: string
  port: number
}

const PROMPT = 'curio > '

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
  private kernel: Kernel | undefined = undefined
  private server: Task<unknown> | undefined = undefined
  private starting = false
  private listening = deferred<MonitorAddress>()
  /** The monitor's own tasks, which `cancel` refuses to touch. */
  private readonly own = new Set<Task<unknown>>()

  constructor(options: MonitorOptions = {}) {
    const port = options.port ?? 48802
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new TypeError(`monitor port must be an integer from 0 to 65535, got ${port}`)
    }
    this.port = port
    this.host = options.host ?? '127.0.0.1'
  }

  /** Where the console listens, once it does (the real port when `port` was 0). */
  address(): Promise<MonitorAddress> {
    return this.listening.promise
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
    if (this.server !== undefined && !this.server.terminated) return
    this.starting = true
    try {
      this.server = kernel.spawn(() => this.serve(kernel), { daemon: true, name: 'monitor' })
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
        const answer = yield* execute(kernel, line.toString('utf8'), this.own)
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
