// Curio's tests/test_activation.py, translated.
import { type Activation, Kernel, sleep, type Task } from 'curio'
import { describe, expect, it } from 'vitest'

/** Records the hooks called for the task named main. */
function recorder(): Activation & { events: string[] } {
  const events: string[] = []
  const mine = (task: Task<unknown>) => task.name.endsWith('main')
  return {
    events,
    activate: () => events.push('activate'),
    created: (task) => mine(task) && events.push('created'),
    running: (task) => mine(task) && events.push('running'),
    suspended: (task) => mine(task) && events.push('suspended'),
    terminated: (task) => mine(task) && events.push('terminated'),
  } as Activation & { events: string[] }
}

describe('test_activation.py', () => {
  it('test_activation.py::test_activation_base', async () => {
    const a = recorder()
    const kernel = new Kernel({ clock: 'virtual', activations: [a] })
    await kernel.run(function* main() {
      yield* sleep(10)
      yield* sleep(10)
      yield* sleep(10)
    })
    await kernel.close()
    expect(a.events).toEqual([
      'activate',
      'created',
      'running',
      'suspended',
      'running',
      'suspended',
      'running',
      'suspended',
      'running',
      'suspended',
      'terminated',
    ])
  })

  it('test_activation.py::test_activation_crash', async () => {
    const a = recorder()
    const kernel = new Kernel({ clock: 'virtual', activations: [a] })
    const dead = new RangeError('Dead')
    await expect(
      kernel.run(function* main() {
        yield* sleep(10)
        throw dead
      }),
    ).rejects.toBe(dead)
    expect(a.events).toEqual([
      'activate',
      'created',
      'running',
      'suspended',
      'running',
      'suspended',
      'terminated',
    ])
    await kernel.close()
  })
})
