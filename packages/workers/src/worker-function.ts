import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'

declare const signature: unique symbol

/**
 * A function exported by a module, named by URL: the worker imports the module itself, so the
 * function may use its module's imports and state. Made by `workerFunction`.
 */
export interface WorkerFunction<F extends (...args: any[]) => unknown = (...args: any[]) => unknown> {
  /** `file:` (or `data:`) URL of the module the worker imports. */
  readonly moduleUrl: string
  /** The export to call. */
  readonly exportName: string
  /** @internal type carrier only */
  readonly [signature]?: F
}

/**
 * Name a function that the worker loads from its module instead of receiving it by source:
 * `workerFunction<typeof fib>(new URL('./fib.js', import.meta.url), 'fib')`. The module must
 * be loadable by plain Node in the worker (JavaScript, or TypeScript when the parent runs
 * under a loader such as tsx and the pool is a process pool).
 */
export function workerFunction<F extends (...args: any[]) => unknown>(
  moduleUrl: string | URL,
  exportName: string,
): WorkerFunction<F> {
  if (typeof exportName !== 'string' || exportName === '') {
    throw new TypeError('workerFunction(moduleUrl, exportName) needs the name of an exported function')
  }
  let url: string
  if (moduleUrl instanceof URL) url = moduleUrl.href
  else if (typeof moduleUrl === 'string' && isAbsolute(moduleUrl)) url = pathToFileURL(moduleUrl).href
  else if (typeof moduleUrl === 'string' && /^[a-z][a-z\d+.-]*:/i.test(moduleUrl)) url = moduleUrl
  else {
    throw new TypeError(
      `workerFunction needs an absolute module URL or path (workers resolve nothing relative to the caller), got ${String(moduleUrl)}`,
    )
  }
  return Object.freeze({ moduleUrl: url, exportName }) as WorkerFunction<F>
}

/** True for what `workerFunction` made. */
export function isWorkerFunction(value: unknown): value is WorkerFunction {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WorkerFunction).moduleUrl === 'string' &&
    typeof (value as WorkerFunction).exportName === 'string'
  )
}
