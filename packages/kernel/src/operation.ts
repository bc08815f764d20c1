import { describeValue, isGenerator, isThenable, type Trap } from './trap.js'

/**
 * Anything that blocks: a generator that yields kernel traps, run with `yield*`.
 * Calling an operation without `yield*` does nothing.
 */
export type Operation<T = void> = Generator<Trap, T, any>

/** What `run` and `spawn` accept: an unstarted operation or a zero-argument `function*`. */
export type OperationSource<T> = Operation<T> | (() => Operation<T>)

/** The type an operation (or operation source) produces through `yield*`. */
export type OperationResult<S> = S extends OperationSource<infer T> ? T : never

const AsyncFunction = (async () => {}).constructor
const AsyncGeneratorFunction = async function* () {}.constructor
/** %GeneratorPrototype%: the prototype of every generator function's `prototype`. */
const GeneratorPrototype = Object.getPrototypeOf(function* () {}.prototype)

/** The prototype of the last generator seen: tasks are mostly made by the same few `function*`s. */
let knownProto: object | null = null

/** A generator made by a `function*`: the common case of `isGenerator`, in one or two loads. */
function isNativeGenerator(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  if (proto === knownProto) return true
  if (proto === null || Object.getPrototypeOf(proto) !== GeneratorPrototype) return false
  knownProto = proto
  return true
}

/**
 * Turns an operation source into an operation, with a clear `TypeError` for what is not one
 * (async functions, promises, plain values): the mistake is reported where it was made.
 */
export function toOperation<T>(source: OperationSource<T>, what: string): Operation<T> {
  if (typeof source === 'function') {
    if (source instanceof AsyncFunction || source instanceof AsyncGeneratorFunction) {
      throw new TypeError(
        `${what} expects an operation (a function* generator), got an async function (${source.name || 'anonymous'}); ` +
          'run promise code with `yield* call(signal => fn(signal))`',
      )
    }
    const op = (source as () => unknown)()
    if (isGenerator(op)) return op as Operation<T>
    throw new TypeError(
      `${what} expects an operation: ${source.name || 'the function'} returned ${describeValue(op)}, ` +
        'not a generator; declare it with function*',
    )
  }
  if (typeof source === 'object' && source !== null && isNativeGenerator(source))
    return source as Operation<T>
  if (isGenerator(source)) return source as Operation<T>
  if (isThenable(source)) {
    throw new TypeError(`${what} expects an operation, got a Promise; wrap it: \`awaitPromise(promise)\``)
  }
  throw new TypeError(
    `${what} expects an operation (a generator from function*), got ${describeValue(source)}`,
  )
}

/** The name a task gets from its source when none is given: the generator function's name. */
export function sourceName(source: unknown): string | undefined {
  return typeof source === 'function' && source.name ? source.name : undefined
}
