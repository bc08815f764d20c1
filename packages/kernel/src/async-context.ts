/**
 * Async context: each task runs in the `AsyncLocalStorage` context current where it was
 * spawned, whatever woke it, as a promise callback runs in the context of its `.then`.
 *
 * Discussion: the kernel is one loop stepping many tasks, so without help every task would
 * run in whatever context scheduled the loop (the first `setImmediate`, a socket callback),
 * and OpenTelemetry spans and request loggers would land on the wrong request. The only
 * public mechanism that captures "every store at once" and works on both Node 20 (stores on
 * async resources) and Node 22+ (AsyncContextFrame) is `AsyncResource`: its constructor
 * captures the current context, `runInAsyncScope` enters it. Measured on Node 20 (2 cores,
 * ns per call, without / with an AsyncLocalStorage in use): `new AsyncResource` 41 / 90,
 * `runInAsyncScope` 30 / 37 (42 when alternating two resources), `AsyncLocalStorage.snapshot()`
 * 19 000 to create and 200 to call, so snapshots are out.
 *
 * So a context is captured once per spawn (where `spawn()` is called, since
 * `als.run(store, () => spawn(op))` must give the child `store`), and the loop enters a
 * task's context only when it differs from the one it already entered: a run of consecutive
 * steps of tasks with the same context (a task stepped pass after pass, the kernel's own
 * shutdown task, which has none) costs a single `runInAsyncScope`. Sharing a captured context
 * between parent and child is not done: no public API tells whether the context changed
 * since the parent's was entered (on Node 20 `als.run` changes the store in place on the same
 * resource), and a shared one would be wrong exactly in the `als.run` case.
 *
 * Promise code a task starts inherits the task's context because the task's step runs
 * inside `runInAsyncScope`: promises, timers and sockets created there capture it.
 *
 * What it cost (bench/src/kernel.bench.ts, built dist, Node 20, a machine at load 12, so
 * ratios of alternated runs): heap per suspended task 436 -> 516 B (556 B with a store in
 * use), the AsyncResource being ~70 B of it (its two async ids are boxed doubles); in one
 * row run, curio with a store in use against curio without: spawn+join 0.77x, ping-pong
 * 0.92x, sleep(0) no worse. The heap figure is the price of correctness here: the one
 * saving left, sharing a context between tasks, needs an API that says two contexts are the
 * same, and Node has none.
 */
import { AsyncResource } from 'node:async_hooks'

/** A captured async context: what was current where a task was spawned. */
export type TaskContext = AsyncResource

/** Capture the async context current right now, for a task about to be spawned. */
export function captureContext(): TaskContext {
  return new AsyncResource('curio.task')
}
