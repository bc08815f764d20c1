import { serialize } from 'node:v8'

/** Does `value` survive the trip? Threads use structured clone, processes V8's serializer. */
function clones(value: unknown, kind: 'thread' | 'process'): boolean {
  try {
    if (kind === 'thread') structuredClone(value)
    else serialize(value)
    return true
  } catch {
    return false
  }
}

/**
 * Throw the clear error for arguments that cannot be sent, naming the first bad one. Returns
 * quietly when every argument clones.
 */
export function checkCloneable(args: readonly unknown[], kind: 'thread' | 'process', what: string): void {
  if (clones(args, kind)) return
  const index = args.findIndex((arg) => !clones(arg, kind))
  const arg = args[index]
  const shown = typeof arg === 'function' ? `a function (${arg.name || 'anonymous'})` : typeof arg
  throw new TypeError(
    `${what}: argument ${index + 1} (${shown}) cannot be sent to a worker: arguments travel by structured clone, ` +
      'so functions, symbols, class instances with private state, sockets and the like cannot be passed',
  )
}
