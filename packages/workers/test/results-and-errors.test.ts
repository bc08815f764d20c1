import { run } from '@curio/kernel'
import { describe, expect, it } from 'vitest'
import { kinds, testPool } from './helpers.js'

class ValidationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ValidationError'
  }
}

describe.each(kinds)('%s pool: results and errors travel back', (kind) => {
  const pool = testPool(kind)

  it('returns the result, cloned', async () => {
    const out = await run(function* () {
      return yield* pool.run(
        (m: Map<string, number>, n: number) => new Map([...m, ['n', n]]),
        new Map([['a', 1]]),
        2,
      )
    })
    expect(out).toEqual(
      new Map([
        ['a', 1],
        ['n', 2],
      ]),
    )
  })

  it('awaits an async result', async () => {
    const out = await run(function* () {
      return yield* pool.run(async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        return x + 1
      }, 41)
    })
    expect(out).toBe(42)
  })

  it('rethrows a built-in error as its class, with the worker stack, cause and own fields', async () => {
    const error = await run(function* () {
      return yield* pool.run(function failing() {
        const error = new RangeError('out of range', { cause: new TypeError('inner') }) as any
        error.code = 'E_RANGE'
        error.limit = 10
        error.ignored = { not: 'primitive' }
        throw error
      })
    }).catch((e) => e)
    expect(error).toBeInstanceOf(RangeError)
    expect(error.name).toBe('RangeError')
    expect(error.message).toBe('out of range')
    expect(error.stack).toContain('failing')
    expect(error.stack).toContain('worker-entry.js')
    expect(error.code).toBe('E_RANGE')
    expect(error.limit).toBe(10)
    expect(error.ignored).toBeUndefined()
    expect(error.cause).toBeInstanceOf(TypeError)
    expect(error.cause.message).toBe('inner')
  })

  it('keeps the name of a custom error class, and AggregateError errors', async () => {
    const [custom, aggregate] = await run(function* () {
      const errors: any[] = []
      for (const fn of [
        () => {
          throw new (class ValidationError extends Error {
            override name = 'ValidationError'
          })('bad input')
        },
        () => {
          throw new AggregateError([new Error('one'), new SyntaxError('two')], 'both')
        },
      ]) {
        try {
          yield* pool.run(fn)
        } catch (error) {
          errors.push(error)
        }
      }
      return errors
    })
    expect(custom).toBeInstanceOf(Error)
    expect(custom.name).toBe(new ValidationError('x').name)
    expect(custom.message).toBe('bad input')
    expect(aggregate).toBeInstanceOf(AggregateError)
    expect(aggregate.errors.map((e: Error) => `${e.name}: ${e.message}`)).toEqual([
      'Error: one',
      'SyntaxError: two',
    ])
  })

  it('rethrows a thrown non-Error value as it is', async () => {
    const thrown = await run(function* () {
      return yield* pool.run(() => {
        throw { code: 7 }
      })
    }).catch((e) => e)
    expect(thrown).toEqual({ code: 7 })
  })

  it('fails the call with a clear error when the result cannot be sent back', async () => {
    const error = await run(function* () {
      return yield* pool.run(() => () => 1)
    }).catch((e) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/result cannot be sent back/)
  })
})
