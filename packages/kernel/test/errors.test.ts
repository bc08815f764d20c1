import { describe, expect, it } from 'vitest'
import {
  CancelledError,
  CurioError,
  KernelClosed,
  ReadResourceBusy,
  ResourceBusy,
  TaskCancelled,
  TaskError,
  TaskGroupError,
  TaskTimeout,
  TimeoutCancellationError,
  UncaughtTimeoutError,
  WriteResourceBusy,
} from '../src/index.js'

describe('error classes', () => {
  const all: [new (...args: any[]) => Error, unknown[], (new (...args: any[]) => Error)[]][] = [
    [CurioError, ['x'], []],
    [CancelledError, ['x'], [CurioError]],
    [TaskCancelled, [], [CancelledError, CurioError]],
    [TaskTimeout, [1], [CancelledError, CurioError]],
    [TimeoutCancellationError, [1], [CancelledError, CurioError]],
    [UncaughtTimeoutError, ['x'], [CurioError]],
    [TaskError, ['x', new Error('cause')], [CurioError]],
    [TaskGroupError, [[new Error('a')]], [CurioError]],
    [ResourceBusy, ['x'], [CurioError]],
    [ReadResourceBusy, ['x'], [ResourceBusy, CurioError]],
    [WriteResourceBusy, ['x'], [ResourceBusy, CurioError]],
    [KernelClosed, [], [CurioError]],
  ]
  for (const [Class, args, parents] of all) {
    it(`${Class.name} is an Error with name set, under ${parents.map((p) => p.name).join(' < ') || 'Error'}`, () => {
      const e = new Class(...args)
      expect(e).toBeInstanceOf(Error)
      expect(e.name).toBe(Class.name)
      for (const parent of parents) expect(e).toBeInstanceOf(parent)
    })
  }

  it('timeouts and plain errors are not cancellations', () => {
    expect(new UncaughtTimeoutError('x')).not.toBeInstanceOf(CancelledError)
    expect(new TaskError('x', 1)).not.toBeInstanceOf(CancelledError)
  })

  it('TaskError carries its cause; TaskGroupError its errors and the first as cause', () => {
    const cause = new Error('c')
    expect(new TaskError('m', cause).cause).toBe(cause)
    const a = new Error('a')
    const b = new Error('b')
    const g = new TaskGroupError([a, b])
    expect(g.errors).toEqual([a, b])
    expect(g.cause).toBe(a)
    expect(g.message).toMatch(/2 tasks/)
  })
})
