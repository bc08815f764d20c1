// Curio's tests/test_signal.py, translated. Signals are sent to this very process, as Curio
// does. Node reserves SIGUSR1 for its inspector, so SIGUSR2 and SIGWINCH stand in for
// Curio's SIGUSR1 and SIGUSR2.
import { run, SignalQueue, sleep, spawn, TaskTimeout, timeoutAfter } from 'curio'
import { describe, expect, it } from 'vitest'

const [SIG_A, SIG_B] = ['SIGUSR2', 'SIGWINCH'] as const

describe('test_signal.py', () => {
  for (const name of ['test_task_signal', 'test_task_signal_waitone']) {
    // The two differ in Curio by `async with SignalSet` vs a plain SignalSet; `using` here.
    it(`test_signal.py::${name}`, async () => {
      const results: unknown[] = []
      await run(function* () {
        using sig = new SignalQueue(SIG_A, SIG_B)
        const task = yield* spawn(function* child() {
          results.push(yield* sig.get())
          results.push(yield* sig.get())
        })
        yield* sleep(20)
        results.push(`sending ${SIG_A}`)
        process.kill(process.pid, SIG_A)
        yield* sleep(50)
        results.push(`sending ${SIG_B}`)
        process.kill(process.pid, SIG_B)
        yield* task.join()
        results.push('done')
      })
      expect(results).toEqual([`sending ${SIG_A}`, SIG_A, `sending ${SIG_B}`, SIG_B, 'done'])
    })
  }

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
