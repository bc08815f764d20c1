// Curio's tests/test_local.py, translated. Curio's Local is an attribute namespace; ours holds
// one value (`get`/`set`), so each attribute of Curio's tests is a Local of its own here.
import { awaitPromise, Event, Kernel, Local, type Operation, run, sleep, spawn } from 'curio'
import { describe, expect, it } from 'vitest'
import { vrun } from './support.js'

describe('test_local.py', () => {
  it('test_local.py::test_smoketest', async () => {
    const local = new Local<number | undefined>(undefined)
    await vrun(function* () {
      expect(local.get()).toBeUndefined()
      local.set(1)
      expect(local.get()).toBe(1)
      local.set(undefined) // Curio's `del local.a`
      expect(local.get()).toBeUndefined()
      // Curio's local.__dict__["b"] = 2: `with` sets a value for the length of an operation.
      expect(
        yield* local.with(2, function* () {
          return local.get()
        }),
      ).toBe(2)
      expect(local.get()).toBeUndefined()
    })
  })

  it('test_local.py::test_isolation', async () => {
    const local = new Local<number | undefined>(undefined)
    const event1 = new Event()
    const event2 = new Event()
    await vrun(function* () {
      const t1 = yield* spawn(function* () {
        local.set(1)
        event1.set()
        yield* event2.wait()
        expect(local.get()).toBe(1)
      })
      const t2 = yield* spawn(function* () {
        yield* event1.wait()
        expect(local.get()).toBeUndefined() // the other task's value is not visible here
        local.set(2)
        event2.set()
      })
      yield* t1.join()
      yield* t2.join()
    })
  })

  it('test_local.py::test_inheritance', async () => {
    const local = new Local('')
    const event1 = new Event()
    const event2 = new Event()
    function* child(): Operation<void> {
      expect(local.get()).toBe('both')
      local.set('child')
      expect(local.get()).toBe('child')
      event1.set()
      yield* event2.wait()
      expect(local.get()).toBe('child')
    }
    await vrun(function* parent() {
      local.set('both')
      const childTask = yield* spawn(child)
      yield* event1.wait()
      expect(local.get()).toBe('both') // the child's change is not visible here
      local.set('parent')
      event2.set()
      yield* childTask.join()
    })
  })

  it('test_local.py::test_nested_curio', async () => {
    // Curio raises RuntimeError for a kernel run inside a task. Here a second kernel may run
    // while the first one's task waits for it; its tasks start from the initial value.
    const local = new Local<string | undefined>(undefined)
    await vrun(function* outer() {
      local.set('outer')
      const inner = new Kernel({ clock: 'virtual' })
      yield* awaitPromise(
        inner.run(function* () {
          expect(local.get()).toBeUndefined()
          local.set('inner')
          expect(local.get()).toBe('inner')
        }),
      )
      yield* awaitPromise(inner.close())
      expect(local.get()).toBe('outer')
    })
  })

  it('test_local.py::test_within_thread', async () => {
    // Curio runs eight kernels in eight threads; eight kernels share this thread here.
    const parentLocal = new Local(-1)
    const dataLocal = new Local(-1)
    function* parent(parentData: number): Operation<void> {
      parentLocal.set(parentData)
      const tasks = []
      for (let data = 0; data < 8; data++) {
        tasks.push(
          yield* spawn(function* child() {
            dataLocal.set(data)
            yield* sleep(0)
            expect(parentLocal.get()).toBe(parentData) // inherited
            expect(dataLocal.get()).toBe(data)
          }),
        )
      }
      for (const t of tasks) yield* t.join()
    }
    await Promise.all(Array.from({ length: 8 }, (_, data) => run(() => parent(data))))
  })
})
