/**
 * What debugging costs: the same switch-heavy work with debug capture off (the default), on
 * (`debug: true`: each trap records its creation stack for `task.where()`), and with a debug
 * activation logging every trap to a logger that drops the line.
 */
import {
  type Activation,
  type Operation,
  run,
  schedtrace,
  sleep,
  spawn,
  type Task,
  traptrace,
} from '@curio/kernel'
import type { Area } from './harness.js'

const TASKS = 10

function* switcher(count: number): Operation<void> {
  for (let i = 0; i < count; i++) yield* sleep(0)
}

function* switches(n: number): Operation<void> {
  const tasks: Task<void>[] = []
  for (let i = 0; i < TASKS; i++) tasks.push(yield* spawn(switcher(n / TASKS)))
  for (const task of tasks) yield* task.join()
}

const drop = (_line: string): void => {}

function withOptions(options: { debug?: boolean; activations?: Activation[] }) {
  return (n: number) => run(switches(n), { debug: false, ...options })
}

export const area: Area = {
  name: 'debug',
  rows: [
    {
      name: 'sleep(0), debug capture off vs on',
      n: 200_000,
      unit: 'switch',
      impls: {
        curio: withOptions({}),
        'capture on': { n: 50_000, run: withOptions({ debug: true }) },
        traptrace: { n: 100_000, run: withOptions({ activations: [traptrace({ log: drop })] }) },
        schedtrace: { n: 100_000, run: withOptions({ activations: [schedtrace({ log: drop })] }) },
      },
      note:
        'curio: the default, capture off and no activation (a trap checks one counter). capture on: ' +
        'each blocking trap records its stack (a new Error, formatted only if where() asks). traptrace/schedtrace: a line per trap or ' +
        'per scheduling event, formatted and handed to a logger that drops it.',
    },
  ],
}
