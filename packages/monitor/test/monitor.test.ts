import { connect } from 'node:net'
import { openConnection, tcpServerSocket } from '@curio/io'
import {
  awaitPromise,
  Kernel,
  type Operation,
  run,
  sleep,
  spawn,
  type Task,
  timeoutAfter,
  WaitQueue,
} from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { Monitor } from '../src/index.js'
import { MonitorClient } from './console.js'

function* sleeper(): Operation<void> {
  yield* timeoutAfter(60_000, () => sleep(600_000)) // sleeper waits here (line 19)
}

function* reader(port: number): Operation<void> {
  const sock = yield* openConnection('127.0.0.1', port)
  yield* sock.recv(100) // reader waits here (line 24)
}

/** The ps row of `task`, split into its columns. */
function row(table: string, task: Task<unknown>): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`${task.id} `))
  expect(line, `task ${task.id} in\n${table}`).toBeDefined()
  return line!.split(/\s{2,}/)
}

/** Run `check` against a live monitor while `main`'s tasks exist; real clock, real sockets. */
function withMonitor<T>(
  setup: () => Operation<T>,
  check: (client: MonitorClient, tasks: T) => Promise<void>,
  debug = true,
): Promise<void> {
  const monitor = new Monitor({ port: 0 })
  return run(
    function* main() {
      const tasks = yield* setup()
      const { port } = yield* awaitPromise(monitor.address())
      const client = yield* awaitPromise(MonitorClient.connect(port))
      try {
        yield* awaitPromise(check(client, tasks))
      } finally {
        client.close()
      }
    },
    { debug, activations: [monitor] },
  )
}

describe('Monitor', () => {
  it('ps lists tasks that sleep, wait on a queue and read a socket; where shows the frames; cancel ends one', async () => {
    const q = new WaitQueue()
    await withMonitor(
      function* () {
        const listener = tcpServerSocket('127.0.0.1', 0)
        const [, port] = listener.getsockname() as [string, number]
        const s = yield* spawn(sleeper)
        const w = yield* spawn(function* waiter() {
          yield* q.suspend('QUEUE_WAIT') // waiter waits here (line 65)
        })
        const r = yield* spawn(reader(port), { name: 'reader' })
        yield* listener.accept()
        yield* sleep(5)
        return { s, w, r }
      },
      async (client, { s, w, r }) => {
        expect(await client.banner).toMatch(/^curio monitor: \d+ tasks running; type help for commands$/)
        const table = await client.send('ps')
        expect(table.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATE\s+CYCLES\s+TIMEOUT\s+WHERE$/)
        const [, sName, sState, sCycles, sTimeout, sWhere] = row(table, s)
        expect([sName, sState, sCycles]).toEqual(['sleeper', 'SLEEP', '1'])
        // The nearest deadline is the 60 s timeout block, not the 600 s sleep.
        expect(Number.parseFloat(sTimeout!)).toBeGreaterThan(50)
        expect(Number.parseFloat(sTimeout!)).toBeLessThanOrEqual(60)
        expect(sWhere).toMatch(/monitor\.test\.ts:19$/)
        expect(row(table, w).slice(1, 3)).toEqual(['waiter', 'QUEUE_WAIT'])
        expect(row(table, w)[4]).toBe('-')
        expect(row(table, w)[5]).toMatch(/monitor\.test\.ts:65$/)
        // Blocked inside @curio/io, shown at the user's line that called it.
        expect(row(table, r).slice(1, 3)).toEqual(['reader', 'READ_WAIT'])
        expect(row(table, r)[5]).toMatch(/monitor\.test\.ts:24$/)
        expect(table).toMatch(/ monitor\* +READ_WAIT/)

        const where = (await client.send(`where ${s.id}`)).split('\n')
        expect(where[0]).toBe(`task ${s.id} (sleeper) SLEEP`)
        expect(where.slice(1).every((l) => l.startsWith('  at '))).toBe(true)
        expect(where[1]).toMatch(/monitor\.test\.ts:19$/)

        expect(await client.send(`cancel ${w.id}`)).toBe(`cancelled task ${w.id} (waiter)`)
        expect(w.terminated).toBe(true)
        expect(w.cancelled).toBe(true)
        expect(await client.send('ps')).not.toMatch(new RegExp(`^${w.id} `, 'm'))
        expect(await client.send(`cancel ${w.id}`)).toBe(`error: no task ${w.id}`)
      },
    )
  })

  it('bad commands get a one-line error and the session goes on; help; quit closes the session', async () => {
    await withMonitor(
      function* () {
        return {}
      },
      async (client) => {
        await client.banner
        expect(await client.send('frobnicate 3')).toBe("error: unknown command 'frobnicate' (type help)")
        expect(await client.send('where')).toBe('error: usage: where ID')
        expect(await client.send('where x')).toBe('error: usage: where ID')
        expect(await client.send('cancel 999999')).toBe('error: no task 999999')
        expect(await client.send('signal NOPE')).toBe('error: unknown signal NOPE')
        expect(await client.send('')).toBe('')
        const help = await client.send('help')
        for (const command of ['ps', 'where ID', 'cancel ID', 'signal NAME', 'web', 'help', 'quit']) {
          expect(help).toContain(`  ${command} `)
        }
        expect(await client.sendAndEnd('quit')).toBe('bye\n')
      },
    )
  })

  it('refuses to cancel its own tasks', async () => {
    await withMonitor(
      function* () {
        return {}
      },
      async (client) => {
        const table = await client.send('ps')
        const ids = [...table.matchAll(/^(\d+) +(monitor\*|monitorSession)/gm)].map((m) => m[1])
        expect(ids).toHaveLength(2)
        for (const id of ids) expect(await client.send(`cancel ${id}`)).toMatch(/is the monitor itself/)
      },
    )
  })

  it('without debug capture, where shows the trap and how to get locations', async () => {
    await withMonitor(
      function* () {
        return { s: yield* spawn(sleeper) }
      },
      async (client, { s }) => {
        await client.banner
        expect(row(await client.send('ps'), s)[5]).toBe('sleep(600000)')
        expect(await client.send(`where ${s.id}`)).toBe(
          `task ${s.id} (sleeper) SLEEP\n  in sleep(600000)\n  (start with CURIO_DEBUG=1 for file:line locations)`,
        )
      },
      false,
    )
  })

  it('signal NAME sends the signal to this process', async () => {
    const got = new Promise<string>((resolve) => process.once('SIGUSR2', resolve))
    await withMonitor(
      function* () {
        return {}
      },
      async (client) => {
        expect(await client.send('signal usr2')).toBe(`sent SIGUSR2 to process ${process.pid}`)
        expect(await got).toBe('SIGUSR2')
      },
    )
  })

  it('stops listening when main ends, and starts again for the next run of the kernel', async () => {
    const monitor = new Monitor({ port: 0 })
    const kernel = new Kernel({ activations: [monitor] })
    let port = 0
    for (let i = 0; i < 2; i++) {
      await kernel.run(
        function* () {
          port = (yield* awaitPromise(monitor.address())).port
          const client = yield* awaitPromise(MonitorClient.connect(port))
          expect(yield* awaitPromise(client.banner)).toMatch(/^curio monitor: 3 tasks running/)
          // An open session does not hold the run up: shutdown cancels it with the server.
        },
        { shutdown: true },
      )
      const refused = await new Promise<string>((resolve) => {
        const sock = connect({ host: '127.0.0.1', port })
        sock.once('connect', () => {
          sock.destroy()
          resolve('connected')
        })
        sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
      })
      expect(refused).toBe('ECONNREFUSED')
    }
  })

  it('a port that is taken is reported, and the program runs on', async () => {
    const taken = tcpServerSocket('127.0.0.1', 0)
    const [, port] = taken.getsockname() as [string, number]
    const monitor = new Monitor({ port })
    const errors: unknown[][] = []
    const saved = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      const value = await run(
        function* () {
          const failure = yield* awaitPromise(
            monitor.address().then(
              () => undefined,
              (e: Error) => e,
            ),
          )
          return failure
        },
        { activations: [monitor] },
      )
      expect((value as NodeJS.ErrnoException | undefined)?.code).toBe('EADDRINUSE')
    } finally {
      console.error = saved
      taken.close()
    }
    expect(String(errors[0]?.[0])).toMatch(/cannot listen on 127\.0\.0\.1:\d+/)
  })

  it('serves one run() after another, but not two kernels at once', async () => {
    const monitor = new Monitor({ port: 0 })
    const ports: number[] = []
    for (let i = 0; i < 2; i++) {
      await run(
        function* () {
          ports.push((yield* awaitPromise(monitor.address())).port)
          expect(() => new Kernel({ activations: [monitor] })).toThrow(/serving another kernel/)
        },
        { activations: [monitor] },
      )
    }
    expect(ports).toHaveLength(2)
  })

  it('refuses a virtual clock, which would stand still while the monitor listens', () => {
    expect(() => new Kernel({ clock: 'virtual', activations: [new Monitor({ port: 0 })] })).toThrow(
      /needs the real clock/,
    )
  })

  it('takes only valid ports', () => {
    expect(() => new Monitor({ port: 70000 })).toThrow(TypeError)
    expect(() => new Monitor({ port: 1.5 })).toThrow(TypeError)
  })
})
