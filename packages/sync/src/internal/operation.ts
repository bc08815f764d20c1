import type { Operation, OperationSource } from '@curio/kernel'

/**
 * Check an operation source at the call (`withLock(op)`), not later when the returned
 * operation first runs, and turn a `function*` into its generator.
 */
export function toOperation<T>(source: OperationSource<T>, what: string): Operation<T> {
  const op = typeof source === 'function' ? (source as () => unknown)() : source
  if (isGenerator(op)) return op as Operation<T>
  throw new TypeError(
    `${what} expects an operation (a generator from function*, or the function* itself), got ${describe(source)}`,
  )
}

function isGenerator(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Generator).next === 'function' &&
    typeof (value as Generator).throw === 'function'
  )
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'function')
    return `a function (${value.name || 'anonymous'}) that returned no generator`
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`
  return `${typeof value} ${String(value)}`
}
