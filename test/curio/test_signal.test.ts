// Curio's tests/test_signal.py, translated. Signals are sent to this very process, as Curio
// does. Node reserves SIGUSR1 for its inspector, so SIGUSR2 and SIGWINCH stand in for
// Curio's SIGUSR1 and SIGUSR2.
import { Event, run, SignalEvent, SignalQueue, sleep, spawn, TaskTimeout, timeoutAfter } from 'curio'
import { describe, expect, it } from 'vitest'

const [SIG_A, SIG_B] = ['SIGUSR2', 'SIGWINCH'] as const
const expected = [`sending ${SIG_A}`, SIG_A, `sending ${SIG_B}`, SIG_B, 'done']

describe('test_signal.py', () => {
  it('test_signal.py::test_task_signal', async () => {
    const results: unknown[] = []
    const evt = new Event()
    await run(function* () {
      const task = yield* spawn(function* child() {
        using sig = new SignalQueue(SIG_A, SIG_B)
        evt.set()
        results.push(yield* sig.get())
        results.push(yield* sig.get())
      })
      yield* evt.wait()
      results.push(`sending ${SIG_A}`)
      process.kill(process.pid, SIG_A)
      yield* sleep(50)
      results.push(`sending ${SIG_B}`)
      process.kill(process.pid, SIG_B)
      yield* task.join()
      results.push('done')
    })
    expect(results).toEqual(expected)
  })

  it('test_signal.py::test_task_signal_event', async () => {
    const results: unknown[] = []
    using sigA = new SignalEvent(SIG_A)
    using sigB = new SignalEvent(SIG_B)
    const got1 = new Event()
    const got2 = new Event()
    await run(function* () {
      yield* spawn(function* child() {
        yield* sigA.wait()
        results.push(SIG_A)
        got1.set()
        yield* sigB.wait()
        results.push(SIG_B)
        got2.set()
      })
      results.push(`sending ${SIG_A}`)
      process.kill(process.pid, SIG_A)
      yield* got1.wait()
      results.push(`sending ${SIG_B}`)
      process.kill(process.pid, SIG_B)
      yield* got2.wait()
      results.push('done')
    })
    expect(results).toEqual(expected)
  })

  it('test_signal.py::test_task_signal_timeout', async () => {
    const results: unknown[] = []
    await run(function* () {
      const task = yield* spawn(function* child() {
        using sig = new SignalQueue(SIG_A, SIG_B)
        try {
          results.push(yield* timeoutAfter(100, sig.get()))
        } catch (e) {
          if (e instanceof TaskTimeout) results.push('timeout')
        }
      })
      yield* task.join()
      results.push('done')
    })
    expect(results).toEqual(['timeout', 'done'])
  })
})
