import { AsyncLocalStorage } from 'node:async_hooks'
import diagnostics from 'node:diagnostics_channel'
import { afterEach, describe, expect, it } from 'vitest'
import { Kernel, type Operation, run, sleep, spawn, type Task } from '../src/index.js'

const subscriptions: [string, (message: unknown) => void][] = []

function listen(name: string, onMessage: (message: unknown) => void): void {
  diagnostics.subscribe(name, onMessage)
  subscriptions.push([name, onMessage])
}

afterEach(() => {
  for (const [name, onMessage] of subscriptions.splice(0)) diagnostics.unsubscribe(name, onMessage)
})

describe('diagnostics_channel: curio:task:spawn and curio:task:end', () => {
  it('publishes { task } when each task is created and after it terminated', async () => {
    const events: string[] = []
    listen('curio:task:spawn', (m) => {
      const { task } = m as { task: Task }
      events.push(`spawn ${task.name} ${task.state}`)
    })
    listen('curio:task:end', (m) => {
      const { task } = m as { task: Task }
      const how = task.exception === undefined ? 'returned' : (task.exception as Error).name
      events.push(`end ${task.name} ${task.terminated} ${how}`)
    })
    function* failing(): Operation<void> {
      throw new Error('boom')
    }
    await run(function* main() {
      const child = yield* spawn(function* child() {
        yield* sleep(1)
      })
      yield* child.join()
      const f = yield* spawn(failing)
      yield* f.wait()
      const forever = yield* spawn(function* forever() {
        yield* sleep(60_000)
      })
      yield* forever.cancel()
    })
    expect(events).toEqual([
      'spawn main READY',
      'spawn child READY',
      'end child true returned',
      'spawn failing READY',
      'end failing true Error',
      'spawn forever READY',
      'end forever true TaskCancelled',
      'end main true returned',
    ])
  })

  it("never publishes the kernel's own shutdown task", async () => {
    const names: string[] = []
    listen('curio:task:end', (m) => names.push((m as { task: Task }).task.name))
    const kernel = new Kernel()
    kernel.spawn(function* daemon() {
      yield* sleep(60_000)
    })
    await kernel.run(function* main() {})
    await kernel.close()
    expect(names).toEqual(['main', 'daemon'])
  })

  it("publishes in the task's own async context, so a tool reads the spawn site's store", async () => {
    const als = new AsyncLocalStorage<string>()
    const seen: string[] = []
    listen('curio:task:spawn', (m) => seen.push(`spawn ${(m as { task: Task }).task.name} ${als.getStore()}`))
    listen('curio:task:end', (m) => seen.push(`end ${(m as { task: Task }).task.name} ${als.getStore()}`))
    await als.run('outer', () =>
      run(function* main() {
        const t = yield* als.run('inner', () => spawn(function* child() {}))
        yield* t.join()
      }),
    )
    expect(seen).toEqual(['spawn main outer', 'spawn child inner', 'end child inner', 'end main outer'])
  })

  it('builds no message while nobody subscribes', async () => {
    expect(diagnostics.channel('curio:task:spawn').hasSubscribers).toBe(false)
    expect(diagnostics.channel('curio:task:end').hasSubscribers).toBe(false)
    await expect(
      run(function* () {
        return 1
      }),
    ).resolves.toBe(1)
  })
})
