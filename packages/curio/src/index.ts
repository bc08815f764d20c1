/**
 * All of curio in one import. Each package is re-exported whole; the one name two packages
 * share is settled explicitly below, so `import { run } from 'curio'` is never ambiguous.
 *
 * @example
 * ```ts
 * import { run, sleep, spawn } from 'curio'
 * ```
 * @packageDocumentation
 */

export * from '@curio/io'
// `run` and `RunOptions` exist in both the kernel and subprocess. As in Python's Curio
// (`curio.run` vs `curio.subprocess.run`), the bare names mean the kernel's; subprocess's
// are here under their own names and through the `subprocess` namespace.
export type { RunOptions } from '@curio/kernel'
export * from '@curio/kernel'
export { run } from '@curio/kernel'
export * from '@curio/monitor'
export * from '@curio/queue'
export type { RunOptions as RunProcessOptions } from '@curio/subprocess'
export * from '@curio/subprocess'
/** The whole of `@curio/subprocess`, as `subprocess.run`, `subprocess.Popen`, ... */
export * as subprocess from '@curio/subprocess'
export { run as runProcess } from '@curio/subprocess'
export * from '@curio/sync'
export * from '@curio/workers'
