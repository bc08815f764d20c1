import { describe, expect, it } from 'vitest'
import { type Activation, Kernel, type Operation, run, sleep, spawn, type Task } from '../src/index.js'

/** Records every hook call as a short line; task ids in trap names become N. */
function recorder(log: string[], only: (task: Task<unknown>) => boolean = () => true): Activation {
  return {
    activate: () => log.push('activate'),
    created: (t) => only(t) && log.push(`created ${t.name}`),
    running: (t) => only(t) && log.push(`running ${t.name} ${t.state}`),
    suspended: (t, trap) => only(t) && log.push(`suspended ${t.name} ${trap.replace(/task \d+/g, 'task N')}`),
    terminated: (t) => only(t) && log.push(`terminated ${t.name} ${t.state}`),
  }
}

describe('activations', () => {
  it('activate is called with the kernel when it is created', () => {
    let seen: Kernel | undefined
    const kernel = new Kernel({ activations: [{ activate: (k) => (seen = k) }] })
    expect(seen).toBe(kernel)
  })

  it('every step is running then suspended; the last step too, before terminated', async () => {
    const log: string[] = []
    function* worker(): Operation<void> {
      yield* sleep(1)
      yield* sleep(2)
    }
    await run(
      function* main() {
        const t = yield* spawn(worker)
        yield* t.join()
      },
      { clock: 'virtual', activations: [recorder(log)] },
    )
    expect(log).toEqual([
      'activate',
      'created main',
      'running main RUNNING',
      'created worker',
      'suspended main join(task N worker)',
      'running worker RUNNING',
      'suspended worker sleep(1)',
      'running worker RUNNING',
      'suspended worker sleep(2)',
      'running worker RUNNING',
      'suspended worker exit',
      'terminated worker TERMINATED',
      'running main RUNNING',
      'suspended main exit',
      'terminated main TERMINATED',
    ])
  })

  it('hooks are called synchronously, with the task current while it runs', async () => {
    const events: string[] = []
    const activation: Activation = {
      running: (t) => events.push(`run ${t.name}`),
      suspended: (t) => events.push(`suspend ${t.name}`),
    }
    await run(
      function* only() {
        events.push('body')
      },
      { clock: 'virtual', activations: [activation] },
    )
    expect(events.slice(0, 3)).toEqual(['run only', 'body', 'suspend only'])
  })

  it('a failing task goes through the same hooks', async () => {
    const log: string[] = []
    await run(
      function* main() {
        const t = yield* spawn(function* boom() {
          yield* sleep(1)
          throw new Error('x')
        })
        yield* t.wait()
      },
      { clock: 'virtual', activations: [recorder(log, (t) => t.name === 'boom')], reportCrash: () => {} },
    )
    expect(log).toEqual([
      'activate',
      'created boom',
      'running boom RUNNING',
      'suspended boom sleep(1)',
      'running boom RUNNING',
      'suspended boom exit',
      'terminated boom TERMINATED',
    ])
  })

  it('several activations are called in the order given', async () => {
    const log: string[] = []
    const a: Activation = { created: (t) => log.push(`a ${t.name}`) }
    const b: Activation = { created: (t) => log.push(`b ${t.name}`) }
    await run(function* main() {}, { activations: [a, b] })
    expect(log).toEqual(['a main', 'b main'])
  })
})
