// Baseline: the least a child_process pool does, over IPC with advanced serialization.
import { fib, inc } from './tasks.mjs'

process.on('message', ({ fn, arg }) => process.send(fn === 'fib' ? fib(arg) : inc(arg)))
process.on('disconnect', () => process.exit(0))
