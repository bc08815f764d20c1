/** An error as the worker entry encodes it (see worker-entry.js `encode`). */
export type EncodedError =
  | { value: unknown }
  | {
      name: string
      message: string
      stack: string | undefined
      ctor: string
      fields: Record<string, unknown>
      cause?: EncodedError
      errors?: EncodedError[]
    }

const BUILTIN: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
}

/**
 * Rebuild an error thrown in a worker: built-in classes come back as themselves; any other
 * class as an `Error` with the worker's `name`. Message, the worker's stack, `cause` and own
 * primitive fields (`code`, `errno`...) are kept.
 */
export function decodeError(encoded: EncodedError): unknown {
  if ('value' in encoded) return encoded.value
  const error =
    encoded.ctor === 'AggregateError'
      ? new AggregateError((encoded.errors ?? []).map(decodeError), encoded.message)
      : new (BUILTIN[encoded.ctor] ?? Error)(encoded.message)
  if (error.name !== encoded.name) {
    Object.defineProperty(error, 'name', { value: encoded.name, writable: true, configurable: true })
  }
  Object.assign(error, encoded.fields)
  if (encoded.cause !== undefined) {
    Object.defineProperty(error, 'cause', {
      value: decodeError(encoded.cause),
      writable: true,
      configurable: true,
    })
  }
  Object.defineProperty(error, 'stack', { value: encoded.stack, writable: true, configurable: true })
  return error
}
