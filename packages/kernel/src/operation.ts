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
/**
 * `value instanceof NativeGenerator` is true for every generator made by a `function*` of this
 * realm: its prototype is %GeneratorPrototype%, which every such generator has on its chain.
 *
 * Discussion: a prototype-chain walk with a constant right-hand side, which V8 compiles to two
 * map loads. The check it replaces (`Object.getPrototypeOf` twice, remembering the last
 * generator function's prototype) cost 30 ns when tasks alternate between two `function*`s,
 * against 5.
 */
function NativeGenerator(): void {}
NativeGenerator.prototype = Object.getPrototypeOf(function* () {}.prototype)

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
  if (source instanceof NativeGenerator) return source as Operation<T>
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
