/** A function as it travels to workers: an id (compiled once per worker) and its source. */
export interface SourcedFunction {
  readonly id: number
  readonly source: string
}

const GeneratorFunction = function* () {}.constructor
const AsyncGeneratorFunction = async function* () {}.constructor
const byFunction = new WeakMap<Function, SourcedFunction>()
const bySource = new Map<string, SourcedFunction>()

/**
 * The source a worker compiles for `fn`, checked at the call: native, bound, generator and
 * class functions cannot be sent by source and are rejected with a `TypeError`.
 */
export function sourceOf(fn: Function, what: string): SourcedFunction {
  const known = byFunction.get(fn)
  if (known !== undefined) return known
  if (typeof fn !== 'function') {
    throw new TypeError(
      `${what} takes a function or a workerFunction(moduleUrl, exportName), got ${typeof fn}`,
    )
  }
  if (fn instanceof GeneratorFunction || fn instanceof AsyncGeneratorFunction) {
    throw new TypeError(
      `${what} cannot run a generator function (${fn.name || 'anonymous'}) in a worker: a worker runs a plain or async function; keep operations in the kernel`,
    )
  }
  const text = Function.prototype.toString.call(fn)
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    const kind = fn.name.startsWith('bound ') ? 'a bound function' : 'a native function'
    throw new TypeError(
      `${what} cannot send ${kind} (${fn.name || 'anonymous'}) to a worker: functions are sent by source; pass a self-contained function, or use workerFunction(moduleUrl, exportName)`,
    )
  }
  if (/^class\b/.test(text)) {
    throw new TypeError(`${what} takes a function, got a class (${fn.name || 'anonymous'})`)
  }
  const source = expressionOf(text, fn.name)
  let entry = bySource.get(source)
  if (entry === undefined) {
    entry = { id: bySource.size + 1, source }
    bySource.set(source, entry)
  }
  byFunction.set(fn, entry)
  return entry
}

/**
 * Source text that is an expression. A method (`fib(n) { ... }`, `async load() { ... }`)
 * prints as a shorthand that only parses inside an object literal.
 *
 * Discussion: `new Function` parses without running anything, and it happens once per
 * function object (cached), so checking here costs nothing per call and turns a worker-side
 * SyntaxError into a clear error at the call.
 */
function expressionOf(text: string, name: string): string {
  if (parses(`(${text})`)) return text
  const method = `({ ${text} })[${JSON.stringify(name)}]`
  if (parses(method)) return method
  throw new TypeError(
    `cannot send function ${name || 'anonymous'} to a worker: its source does not parse alone`,
  )
}

function parses(expression: string): boolean {
  try {
    new Function(`return ${expression}`)
    return true
  } catch {
    return false
  }
}
