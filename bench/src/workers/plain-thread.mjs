// Baseline: the least a worker_threads pool does, one message in and one out per call.
import { parentPort } from 'node:worker_threads'
import { fib, inc } from './tasks.mjs'

parentPort.on('message', ({ fn, arg }) => parentPort.postMessage(fn === 'fib' ? fib(arg) : inc(arg)))
