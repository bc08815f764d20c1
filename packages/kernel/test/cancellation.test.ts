import { describe, expect, it } from 'vitest'
import {
  CancelledError,
  checkCancellation,
  clock,
  currentTask,
  disableCancellation,
  enableCancellation,
  ignoreAfter,
  Local,
  type Operation,
  schedule,
  setCancellation,
  sleep,
  spawn,
  TaskCancelled,
  TaskError,
  TaskTimeout,
  taskGroup,
  timeoutAfter,
  WaitQueue,
} from '../src/index.js'
import { Flag, vrun } from './helpers.js'

function* forever(): Operation<never> {
  const q = new WaitQueue()
  for (;;) yield* q.suspend('FOREVER')
}

describe('cancel', () => {
  it('throws TaskCancelled into the task at its blocking point; join then throws TaskError caused by it', async () => {
    const log: unknown[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* sleep(1000)
          log.push('not reached')
        } catch (e) {
          log.push(e)
          throw e
        }
      })
      yield* sleep(10)
      expect(yield* t.cancel()).toBe(true)
      expect(t.terminated).toBe(true)
      expect(t.cancelled).toBe(true)
      expect(yield* clock()).toBe(10)
      let joinError: unknown
      try {
        yield* t.join()
      } catch (e) {
        joinError = e
      }
      expect(joinError).toBeInstanceOf(TaskError)
      expect((joinError as TaskError).cause).toBeInstanceOf(TaskCancelled)
      expect((joinError as TaskError).cause).toBe(log[0])
    })
    expect(log).toHaveLength(1)
    expect(log[0]).toBeInstanceOf(TaskCancelled)
  })

  it('returns false for a task that already terminated', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {})
      yield* t.wait()
      expect(yield* t.cancel()).toBe(false)
      expect(t.cancelled).toBe(false)
    })
  })

  it('delivers a custom CancelledError subclass given as exc', async () => {
    class Custom extends CancelledError {}
    const seen = await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* forever()
        } catch (e) {
          return e
        }
      })
      yield* schedule()
      yield* t.cancel({ exc: new Custom('custom') })
      return t.result
    })
    expect(seen).toBeInstanceOf(Custom)
  })

  it('rejects an exc that is not a CancelledError', async () => {
    await vrun(function* () {
      const t = yield* spawn(forever)
      expect(() => t.cancel({ exc: new Error('x') as CancelledError })).toThrow(TypeError)
      yield* t.cancel()
    })
  })

  it('with blocking: false returns true at once; the task ends later', async () => {
    await vrun(function* () {
      const release = new Flag()
      const t = yield* spawn(function* () {
        try {
          yield* forever()
        } finally {
          yield* release.wait()
        }
      })
      yield* schedule()
      expect(yield* t.cancel({ blocking: false })).toBe(true)
      expect(t.terminated).toBe(false)
      expect(t.cancelled).toBe(true)
      release.set()
      yield* t.wait()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
  })

  it('a task cancelled before its first step never runs its body', async () => {
    const log: string[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        log.push('body ran')
        yield* sleep(5)
        log.push('after sleep')
      })
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
    // Cancellation is delivered only at a blocking trap: the body runs until its first block.
    expect(log).toEqual(['body ran'])
  })

  it('a task cancelled while ready that finishes without blocking ends normally, cancelled === true', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        return 'done'
      })
      expect(yield* t.cancel({ blocking: false })).toBe(true)
      expect(yield* t.join()).toBe('done')
      expect(t.cancelled).toBe(true)
      expect(t.exception).toBeUndefined()
    })
  })

  it('cancelling twice is harmless: the second cancel does not interrupt the cleanup of the first (Curio test_double_cancel)', async () => {
    const results: string[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        results.push('start')
        try {
          yield* sleep(1000)
          results.push('not here')
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e
          results.push('cancel request')
          yield* sleep(1000)
          results.push('cancelled')
        }
      })
      yield* sleep(500)
      try {
        yield* timeoutAfter(1000, t.cancel())
      } catch (e) {
        if (!(e instanceof TaskTimeout)) throw e
        results.push('retry')
        yield* t.cancel()
        results.push('done cancel')
      }
    })
    expect(results).toEqual(['start', 'cancel request', 'retry', 'cancelled', 'done cancel'])
  })

  it('a task may cancel itself with blocking: false; it is delivered at its next blocking trap', async () => {
    const log: string[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        const me = yield* currentTask()
        expect(yield* me.cancel({ blocking: false })).toBe(true)
        log.push('still running')
        yield* clock() // not a blocking trap
        log.push('after clock')
        try {
          yield* sleep(1)
        } catch (e) {
          log.push((e as Error).name)
          throw e
        }
      })
      yield* t.wait()
    })
    expect(log).toEqual(['still running', 'after clock', 'TaskCancelled'])
  })

  it('a blocking self-cancel throws a plain Error at once', async () => {
    await vrun(function* () {
      const me = yield* currentTask()
      let caught: unknown
      try {
        yield* me.cancel()
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(Error)
      expect(caught).not.toBeInstanceOf(CancelledError)
      expect((caught as Error).message).toMatch(/blocking: false/)
      expect(me.cancelled).toBe(false)
    })
  })

  it('cancels a tree of tasks in order, each catching and re-cancelling its child (Curio test_task_child_cancel)', async () => {
    const results: string[] = []
    await vrun(function* () {
      function* child(): Operation<void> {
        results.push('start')
        try {
          yield* sleep(500)
          results.push('end')
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e
          results.push('child cancelled')
        }
      }
      function* parent(): Operation<void> {
        const c = yield* spawn(child)
        try {
          yield* sleep(500)
          results.push('end parent')
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e
          yield* c.cancel()
          results.push('parent cancelled')
        }
      }
      function* grandparent(): Operation<void> {
        const p = yield* spawn(parent)
        try {
          yield* sleep(500)
          results.push('end grandparent')
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e
          yield* p.cancel()
          results.push('grandparent cancelled')
        }
      }
      const t = yield* spawn(grandparent)
      yield* sleep(100)
      results.push('cancel start')
      yield* sleep(100)
      results.push('cancelling')
      yield* t.cancel()
      results.push('done')
    })
    expect(results).toEqual([
      'start',
      'cancel start',
      'cancelling',
      'child cancelled',
      'parent cancelled',
      'grandparent cancelled',
      'done',
    ])
  })

  it('a task that catches its cancellation and returns ends with that value', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* forever()
        } catch {
          return 'recovered'
        }
      })
      yield* schedule()
      expect(yield* t.cancel()).toBe(true)
      expect(yield* t.join()).toBe('recovered')
      expect(t.cancelled).toBe(true)
    })
  })
})

describe('cancellation is an exception thrown into the task, never a return()', () => {
  it('a finally that blocks runs to its end during a cancellation', async () => {
    const log: string[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* forever()
        } finally {
          log.push('cleanup start')
          yield* sleep(10)
          log.push('cleanup middle')
          yield* sleep(10)
          log.push('cleanup end')
        }
      })
      yield* schedule()
      yield* t.cancel()
      expect(yield* clock()).toBe(20)
    })
    expect(log).toEqual(['cleanup start', 'cleanup middle', 'cleanup end'])
  })

  it('effection#1190: the caller of a sub-operation whose finally yields is not resumed after the cancellation', async () => {
    let leaked = false
    const log: string[] = []
    await vrun(function* () {
      function* halted(): Operation<void> {
        try {
          yield* forever()
        } finally {
          yield* sleep(0)
          log.push('finally done')
        }
      }
      const t = yield* spawn(function* () {
        yield* halted()
        leaked = true
        yield* sleep(1)
        log.push('after second op')
      })
      yield* schedule()
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
    expect(leaked).toBe(false)
    expect(log).toEqual(['finally done'])
  })

  describe('effection#1190 through every kernel wrapper frame', () => {
    const local = new Local(0)
    const wrappers: [string, (op: () => Operation<void>) => Operation<unknown>][] = [
      ['a plain yield*', (op) => op()],
      ['timeoutAfter', (op) => timeoutAfter(1_000_000, op)],
      ['ignoreAfter', (op) => ignoreAfter(1_000_000, op)],
      ['Local.with', (op) => local.with(1, op)],
      ['a taskGroup body', (op) => taskGroup({}, () => op())],
      ['nested wrappers', (op) => timeoutAfter(1_000_000, () => taskGroup({}, () => local.with(2, op)))],
    ]
    for (const [name, wrap] of wrappers) {
      it(`${name}: the caller is not resumed after a finally that blocks`, async () => {
        const log: string[] = []
        await vrun(function* () {
          function* halted(): Operation<void> {
            try {
              yield* forever()
            } finally {
              yield* sleep(1)
              log.push('finally done')
            }
          }
          const t = yield* spawn(function* () {
            yield* wrap(halted)
            log.push('leaked past the wrapper')
            yield* sleep(1)
            log.push('leaked into the next operation')
          })
          yield* sleep(1)
          yield* t.cancel()
          expect(t.exception).toBeInstanceOf(TaskCancelled)
        })
        expect(log).toEqual(['finally done'])
      })
    }
  })

  it('enableCancellation inside disableCancellation: the cancellation is held for the shielded region and delivered at the first blocking trap after it', async () => {
    const log: string[] = []
    await vrun(function* () {
      function* halted(): Operation<void> {
        try {
          yield* forever()
        } finally {
          yield* sleep(1)
          log.push('finally done')
        }
      }
      const t = yield* spawn(function* () {
        const r = yield* disableCancellation(() => enableCancellation(halted))
        log.push(`region returned ${String(r)}`) // as documented: no blocking trap yet
        yield* sleep(1)
        log.push('not reached')
      })
      yield* sleep(1)
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
    expect(log).toEqual(['finally done', 'region returned undefined'])
  })

  it('effection#1154 (problem 2): a cancelled operation whose finally yields never hands its value to the caller', async () => {
    const seen: unknown[] = []
    await vrun(function* () {
      function* inner(): Operation<number> {
        try {
          yield* forever()
          return 123
        } finally {
          yield* sleep(0)
        }
      }
      const t = yield* spawn(function* () {
        const value = yield* inner()
        seen.push(value)
        return value
      })
      yield* schedule()
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
    expect(seen).toEqual([])
  })

  it('effection#1154 (problem 1): every yield* of a finally runs when the finally was entered because of the cancellation', async () => {
    const log: string[] = []
    await vrun(function* () {
      function* cleanup(name: string): Operation<void> {
        yield* sleep(5)
        log.push(name)
      }
      const t = yield* spawn(function* () {
        try {
          yield* forever()
        } finally {
          yield* cleanup('cleanup1')
          yield* cleanup('cleanup2')
        }
      })
      yield* schedule()
      yield* t.cancel({ blocking: false })
      yield* sleep(1)
      // A second cancel while cleanup1 blocks is harmless: it does not cut the cleanup short.
      yield* t.cancel()
    })
    expect(log).toEqual(['cleanup1', 'cleanup2'])
  })

  it('effection#1154 (problem 1, cancelled during a normal finally): disableCancellation keeps the split cleanup whole', async () => {
    const log: string[] = []
    await vrun(function* () {
      const started = new Flag()
      const t = yield* spawn(function* () {
        try {
          yield* sleep(1)
        } finally {
          yield* disableCancellation(function* () {
            started.set()
            yield* sleep(5)
            log.push('cleanup1')
            yield* sleep(5)
            log.push('cleanup2')
          })
          log.push('not reached: cancellation is delivered at the next blocking trap')
          yield* sleep(1)
        }
      })
      yield* started.wait()
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
    expect(log).toEqual([
      'cleanup1',
      'cleanup2',
      'not reached: cancellation is delivered at the next blocking trap',
    ])
  })

  it('the cancellation keeps propagating through every yield* frame, each finally running once', async () => {
    const log: string[] = []
    function* level(n: number): Operation<void> {
      try {
        if (n === 0) yield* forever()
        else yield* level(n - 1)
        log.push(`level ${n} resumed`)
      } finally {
        yield* sleep(1)
        log.push(`finally ${n}`)
      }
    }
    await vrun(function* () {
      const t = yield* spawn(() => level(3))
      yield* schedule()
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
    expect(log).toEqual(['finally 0', 'finally 1', 'finally 2', 'finally 3'])
  })

  it('a catch in an outer frame sees the same TaskCancelled object that was thrown inside', async () => {
    await vrun(function* () {
      let inner: unknown
      const t = yield* spawn(function* () {
        try {
          yield* (function* () {
            try {
              yield* forever()
            } catch (e) {
              inner = e
              yield* sleep(1)
              throw e
            }
          })()
        } catch (e) {
          return e
        }
      })
      yield* schedule()
      yield* t.cancel()
      expect(t.result).toBe(inner)
      expect(inner).toBeInstanceOf(TaskCancelled)
    })
  })
})

describe('a wait that completed before the cancellation', () => {
  it('receives its value; the cancellation stays pending until the next blocking trap', async () => {
    const log: unknown[] = []
    await vrun(function* () {
      const q = new WaitQueue()
      const t = yield* spawn(function* () {
        yield* q.suspend()
        log.push('woken with its value')
        yield* clock() // not blocking: no delivery here
        log.push('still running')
        try {
          yield* sleep(1)
          log.push('not reached')
        } catch (e) {
          log.push(e)
        }
      })
      yield* schedule()
      expect(q.wake()).toBe(1)
      // t is ready with its wake-up value; cancel it before it runs.
      yield* t.cancel()
    })
    expect(log.slice(0, 2)).toEqual(['woken with its value', 'still running'])
    expect(log[2]).toBeInstanceOf(TaskCancelled)
  })

  it('a join that completed before the cancellation returns the joined value', async () => {
    const got: unknown[] = []
    await vrun(function* () {
      const mainWaits = new WaitQueue()
      const target = yield* spawn(function* () {
        yield* sleep(5)
        // Wake main first, then end: main runs before the joiner in the next pass.
        mainWaits.wake()
        return 'value'
      })
      const j = yield* spawn(function* () {
        got.push(yield* target.join())
        yield* sleep(1)
        got.push('not reached')
      })
      yield* mainWaits.suspend()
      expect(j.state).toBe('READY')
      yield* j.cancel()
      expect(j.exception).toBeInstanceOf(TaskCancelled)
    })
    expect(got).toEqual(['value'])
  })
})

describe('delivery only at blocking traps', () => {
  it('a task that never blocks cannot be cancelled until it blocks', async () => {
    const log: string[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        for (let i = 0; i < 3; i++) {
          yield* clock()
          yield* currentTask()
          yield* spawn(function* () {})
        }
        log.push('ran to its first block')
        yield* sleep(1)
        log.push('not reached')
      })
      yield* t.cancel()
    })
    expect(log).toEqual(['ran to its first block'])
  })

  it('checkCancellation is the explicit checkpoint: it throws the pending cancellation', async () => {
    const log: unknown[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        expect(yield* checkCancellation()).toBeUndefined()
        const me = yield* currentTask()
        yield* me.cancel({ blocking: false })
        try {
          yield* checkCancellation()
          log.push('not reached')
        } catch (e) {
          log.push(e)
        }
      })
      yield* t.join()
    })
    expect(log).toHaveLength(1)
    expect(log[0]).toBeInstanceOf(TaskCancelled)
  })
})

describe('disableCancellation / enableCancellation / setCancellation', () => {
  it('holds the cancellation pending inside; blocking traps still work; delivered at the first block after', async () => {
    const log: unknown[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        const v = yield* disableCancellation(function* () {
          yield* sleep(10)
          log.push('slept inside')
          yield* sleep(10)
          return 'region value'
        })
        log.push(v)
        try {
          yield* sleep(1)
        } catch (e) {
          log.push(e)
        }
      })
      yield* sleep(1)
      yield* t.cancel()
      expect(yield* clock()).toBe(20)
    })
    expect(log.slice(0, 2)).toEqual(['slept inside', 'region value'])
    expect(log[2]).toBeInstanceOf(TaskCancelled)
  })

  it('checkCancellation inside a disabled region returns the pending cancellation (Curio test_task_cancel_poll)', async () => {
    const results: string[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* disableCancellation(function* () {
          yield* sleep(100)
          results.push('success')
          if (yield* checkCancellation()) results.push('cancelled')
          else results.push('no cancellation seen')
        })
      })
      yield* t.cancel()
      results.push('done')
    })
    expect(results).toEqual(['success', 'cancelled', 'done'])
  })

  it('enableCancellation re-allows delivery inside a disabled region', async () => {
    const log: unknown[] = []
    await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* disableCancellation(function* () {
          const r = yield* enableCancellation(function* () {
            try {
              yield* forever()
            } catch (e) {
              log.push(e)
              throw e
            }
          })
          log.push(`enable returned ${String(r)}`)
          yield* sleep(5)
          log.push('still shielded')
          log.push(yield* checkCancellation())
        })
        yield* sleep(1)
        log.push('not reached')
      })
      yield* schedule()
      yield* t.cancel()
    })
    expect(log[0]).toBeInstanceOf(TaskCancelled)
    expect(log.slice(1, 3)).toEqual(['enable returned undefined', 'still shielded'])
    // The cancellation that ended the enabled region is held for the enclosing disabled one.
    expect(log[3]).toBe(log[0])
    expect(log).toHaveLength(4)
  })

  it('setCancellation replaces the pending exception and returns the old one', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        return yield* disableCancellation(function* () {
          yield* sleep(10)
          const old = yield* setCancellation(undefined)
          expect(old).toBeInstanceOf(TaskCancelled)
          expect(yield* checkCancellation()).toBeUndefined()
          const mine = new TaskCancelled('mine')
          expect(yield* setCancellation(mine)).toBeUndefined()
          expect(yield* setCancellation(mine)).toBe(mine)
          yield* setCancellation(undefined)
          return 'kept running'
        })
      })
      yield* sleep(1)
      yield* t.cancel()
      expect(yield* t.join()).toBe('kept running')
      expect(() => setCancellation(new Error('x') as CancelledError)).toThrow(TypeError)
    })
  })

  it('a TaskCancelled thrown by hand in a nested region becomes the pending cancellation (Curio test_explicit_raise_cancel_disable)', async () => {
    const log: string[] = []
    const byHand = new TaskCancelled('by hand')
    await vrun(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* disableCancellation(function* () {
            yield* disableCancellation(function* () {
              yield* sleep(10)
              throw byHand
            })
            // It did not escape the outer region: it waits as the pending cancellation.
            log.push('after inner region')
            expect(yield* checkCancellation()).toBe(byHand)
            yield* sleep(10) // blocking still works here: nothing is delivered
            log.push('outer region done')
          })
          log.push('after both regions')
          yield* checkCancellation()
          log.push('not here')
        } catch (e) {
          log.push(e === byHand ? 'delivered by hand' : `other ${String(e)}`)
          throw e
        }
      })
      yield* sleep(1)
      yield* t.cancel({ blocking: false })
      yield* t.wait()
      expect(t.exception).toBe(byHand)
    })
    expect(log).toEqual([
      'after inner region',
      'outer region done',
      'after both regions',
      'delivered by hand',
    ])
  })

  it('a CancelledError thrown by hand in a region propagates where the outside allows cancellation (Curio test_disable_cancellation_explicit_raise)', async () => {
    await vrun(function* () {
      let caught: unknown
      try {
        yield* disableCancellation(function* () {
          throw new CancelledError('by hand')
        })
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(CancelledError)
      expect(yield* checkCancellation()).toBeUndefined()
    })
  })

  it('a cleared cancellation means the task keeps running after the region and can block normally', async () => {
    await vrun(function* () {
      const t = yield* spawn(function* () {
        yield* disableCancellation(function* () {
          yield* sleep(10)
          yield* setCancellation(undefined)
        })
        yield* sleep(10)
        return yield* clock()
      })
      yield* sleep(1)
      yield* t.cancel()
      expect(yield* t.join()).toBe(20)
    })
  })
})

describe('cancellation and timeouts', () => {
  it('a cancellation also cancels the timeouts: the cleanup is not cut short by an enclosing deadline (Curio test_task_cancel_timeout)', async () => {
    const results: string[] = []
    await vrun(function* () {
      function* coro(): Operation<void> {
        try {
          yield* sleep(5000)
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e
          results.push('cancelled')
          yield* sleep(1000)
          results.push('done cancel')
          throw e
        }
      }
      const t = yield* spawn(function* () {
        results.push('child')
        try {
          yield* timeoutAfter(1000, coro)
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e
          results.push('timeout')
        }
      })
      yield* sleep(500)
      yield* t.cancel()
      expect(t.exception).toBeInstanceOf(TaskCancelled)
    })
    expect(results).toEqual(['child', 'cancelled', 'done cancel'])
  })
})
