import { constants } from 'node:os'
import { getCurrentTask, type Kernel, type Operation, type Task } from '@curio/kernel'
import { psTable, whereText } from './format.js'

/** What `help` prints: one line per command. */
export const helpText = [
  'Commands:',
  '  ps            list every task: id, name (* = daemon), state, cycles, timeout left, where',
  '  where ID      where task ID is suspended: its chain of yield* frames',
  '  cancel ID     cancel task ID and wait until it has ended',
  '  signal NAME   send signal NAME (e.g. SIGUSR1, TERM) to this process',
  '  web           the address of the live page in a browser (new Monitor({ web: true }))',
  '  help          this list',
  '  quit          close this session',
].join('\n')

/** A command that cannot be carried out: its message is the one-line answer. */
class CommandError extends Error {}

function findTask(kernel: Kernel, arg: string | undefined, usage: string): Task<unknown> {
  if (arg === undefined || !/^\d+$/.test(arg)) throw new CommandError(`usage: ${usage}`)
  const id = Number(arg)
  const task = kernel.tasks().find((t) => t.id === id)
  if (task === undefined) throw new CommandError(`no task ${id}`)
  return task
}

function signalName(arg: string | undefined): NodeJS.Signals {
  if (arg === undefined) throw new CommandError('usage: signal NAME')
  const upper = arg.toUpperCase()
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`
  if (!(name in constants.signals)) throw new CommandError(`unknown signal ${arg}`)
  return name as NodeJS.Signals
}

function* cancel(task: Task<unknown>, protect: ReadonlySet<Task<unknown>>): Operation<string> {
  if (protect.has(task) || task === getCurrentTask()) {
    throw new CommandError(`task ${task.id} is the monitor itself; quit the session instead`)
  }
  const done = yield* task.cancel()
  return done ? `cancelled task ${task.id} (${task.name})` : `task ${task.id} had already ended`
}

/**
 * Carry out one command line; returns the answer, or undefined for `quit`. A bad command's
 * answer is a one-line `error: ...`, and the session goes on.
 */
export function* execute(
  kernel: Kernel,
  line: string,
  protect: ReadonlySet<Task<unknown>>,
  webUrl?: string,
): Operation<string | undefined> {
  const [command = '', ...args] = line.trim().split(/\s+/)
  try {
    switch (command.toLowerCase()) {
      case '':
        return ''
      case 'ps':
        return psTable(kernel)
      case 'where':
        return whereText(findTask(kernel, args[0], 'where ID'))
      case 'cancel':
        return yield* cancel(findTask(kernel, args[0], 'cancel ID'), protect)
      case 'signal': {
        const name = signalName(args[0])
        process.kill(process.pid, name)
        return `sent ${name} to process ${process.pid}`
      }
      case 'web':
        if (webUrl === undefined) {
          throw new CommandError('the web view is off: start the program with new Monitor({ web: true })')
        }
        return `open ${webUrl}`
      case 'help':
        return helpText
      case 'quit':
      case 'exit':
        return undefined
      default:
        throw new CommandError(`unknown command '${command}' (type help)`)
    }
  } catch (error) {
    if (error instanceof CommandError) return `error: ${error.message}`
    throw error
  }
}
