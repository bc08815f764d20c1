/**
 * The rules of the trap fast path (`Trap.next` finishing a trap inside `yield*`), each shown
 * with the fast path on and off: the switch must change nothing a program can see.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  checkCancellation,
  clock,
  currentTask,
  ignoreAfter,
  Kernel,
  MUST_WAIT,
  type Operation,
  sleep,
  spawn,
  type Task,
  TaskCancelled,
  type TaskError,
  WaitQueue,
} from '../src/index.js'
import { fastPath } from '../src/trap.js'
import { vrun } from './helpers.js'

class Boom extends Error {}

function errorName(error: unknown): string {
  return error instanceof Error ? error.constructor.name : String(error)
}

describe.each([
  { mode: 'on', enabled: true },
  { mode: 'off', enabled: false },
])('with the fast path $mode', ({ enabled }) => {
  let saved = true
  beforeEach(() => {
    saved = fastPath.enabled
    fastPath.enabled = enabled
  })
  afterEach(() => {
    fastPath.enabled = saved
  })

  it('a trap that finishes at once is no cancellation point: a pending cancel waits for the next blocking trap', async () => {
    const seen: string[] = []
    await vrun(function* () {
      const q = new WaitQueue<string>()
      const ended = yield* spawn(function* () {
        return 'done'
      })
      yield* sleep(1)
      const task = yield* spawn(function* () {
        const self = yield* currentTask()
        expect(yield* self.cancel({ blocking: false })).toBe(true)
        // Each of these finishes at once, with the cancellation pending all along.
        const child = yield* spawn(function* () {})
        seen.push(`spawned ${child.name}`)
        seen.push(`joined ${yield* ended.join()}`)
        yield* ended.wait()
        seen.push(`cancel of ended ${yield* ended.cancel()}`)
        let attempts = 0
        seen.push(`took ${yield* q.suspend('GET', () => `ready after ${++attempts}`)}`)
        seen.push(`clock ${yield* clock()}`)
        seen.push(`current ${(yield* currentTask()) === self}`)
        try {
          yield* sleep(5)
          seen.push('slept through it')
        } catch (error) {
          seen.push(`sleep threw ${errorName(error)} @${yield* clock()}`)
          throw error
        }
      })
      yield* task.wait()
      expect(task.exception).toBeInstanceOf(TaskCancelled)
      expect(task.cycles).toBe(1)
    })
    expect(seen).toEqual([
      'spawned task',
      'joined done',
      'cancel of ended false',
      'took ready after 1',
      'clock 1',
      'current true',
      'sleep threw TaskCancelled @1',
    ])
  })

  it('checkCancellation is the explicit cancellation point: it delivers the pending cancel at once', async () => {
    await vrun(function* () {
      const task = yield* spawn(function* () {
        const self = yield* currentTask()
        yield* self.cancel({ blocking: false })
        yield* clock()
        yield* checkCancellation()
        return 'not reached'
      })
      yield* task.wait()
      expect(task.exception).toBeInstanceOf(TaskCancelled)
    })
  })

  it('an error thrown by a trap that finishes at once surfaces at that yield* and can be caught there', async () => {
    const seen: string[] = []
    await vrun(function* () {
      const failed = yield* spawn(function* () {
        throw new Boom('planned')
      })
      yield* sleep(1)
      const task = yield* spawn(function* () {
        try {
          yield* failed.join()
          seen.push('joined?')
        } catch (error) {
          seen.push(`join threw ${errorName(error)} of ${errorName((error as TaskError).cause)}`)
        }
        const q = new WaitQueue()
        let attempts = 0
        try {
          yield* q.suspend('GET', () => {
            attempts++
            throw new Boom('attempt')
          })
        } catch (error) {
          seen.push(`attempt ${attempts} threw ${errorName(error)}`)
        }
        const self: Task<unknown> = yield* currentTask()
        try {
          yield* self.join()
        } catch (error) {
          seen.push(`self-join threw ${(error as Error).message}`)
        }
        seen.push('carried on')
      })
      yield* task.join()
      // All of it in the task's first step: the errors did not end it.
      expect(task.cycles).toBe(1)
    })
    expect(seen).toEqual([
      'join threw TaskError of Boom',
      'attempt 1 threw Boom',
      'self-join threw a task cannot join itself',
      'carried on',
    ])
  })

  it('a trap stepped by hand outside any task does nothing then, and goes through the kernel when a task forwards it', async () => {
    const kernel = new Kernel({ clock: 'virtual' })
    function* body(): Operation<string> {
      const child = yield* spawn(function* () {
        return 'child'
      })
      yield* sleep(3)
      return `${yield* child.join()} @${yield* clock()}`
    }
    const op = body()
    // Outside any task: the spawn trap is handed to the driver, not carried out.
    const first = op.next()
    expect(first.done).toBe(false)
    expect(kernel.tasks()).toEqual([])
    const result = await kernel.run(function* (): Operation<string> {
      // A task forwards what the hand-driven operation yields, bare, and sends back the answers.
      let step = first
      while (!step.done) step = op.next(yield step.value)
      return step.value
    })
    expect(result).toBe('child @3')
    await kernel.close()
  })

  it('regression: a suspend stepped by hand in a task and forwarded later tries its attempt again', async () => {
    // The fast path tried the attempt at `op.next()` (nothing yet); a token arrived before the
    // task forwarded the trap. The kernel once skipped the attempt then, and the task waited
    // for a wake that never came, with the token banked.
    const q = new WaitQueue<string>()
    let tokens = 0
    function* take(): Operation<string> {
      return yield* q.suspend('GET', () => {
        if (tokens === 0) return MUST_WAIT
        tokens--
        return 'banked'
      })
    }
    const got = await vrun(function* (): Operation<string> {
      return yield* ignoreAfter(
        10,
        function* (): Operation<string> {
          const op = take()
          let step = op.next()
          tokens++
          while (!step.done) step = op.next(yield step.value)
          return step.value
        },
        { timeoutResult: 'stuck' },
      )
    })
    expect(got).toBe('banked')
    expect(tokens).toBe(0)
  })

  it('`yield op` without the star is still reported, and the operation has not run', async () => {
    const seen: string[] = []
    await vrun(function* () {
      const child = function* () {
        seen.push('child ran')
      }
      try {
        yield spawn(child) as unknown as never
      } catch (error) {
        seen.push((error as Error).message)
      }
      yield* sleep(1)
    })
    expect(seen).toEqual(['a task yielded an operation without the star: write `yield* op`, not `yield op`'])
  })

  it('an operation object used twice throws the "already used" TypeError, also when it finished at once', async () => {
    await vrun(function* () {
      const ended = yield* spawn(function* () {
        return 1
      })
      yield* sleep(1)
      const q = new WaitQueue<string>()
      const ops: Operation<unknown>[] = [
        clock(),
        currentTask(),
        spawn(function* () {}),
        ended.join(),
        ended.cancel(),
        q.suspend('GET', () => 'x'),
        q.suspend('GET', () => MUST_WAIT),
      ]
      // The last one blocks until this wakes it.
      yield* spawn(function* () {
        yield* sleep(2)
        q.wake(1, 'woken')
      })
      for (const op of ops) {
        yield* op
        let second: unknown
        try {
          yield* op
        } catch (error) {
          second = error
        }
        expect(second).toBeInstanceOf(TypeError)
        expect((second as Error).message).toMatch(/already used/)
      }
    })
  })
})
