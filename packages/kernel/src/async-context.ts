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
 * `als.run(store, () => spawn(op))` must give the child `store`), and every step runs inside
 * `task.runInAsyncScope(step)` (the kernel's shutdown task, which has no context of its own,
 * excepted). Sharing a captured context between parent and child is not done: no public API
 * tells whether the context changed since the parent's was entered (on Node 20 `als.run`
 * changes the store in place on the same resource, and `als.enterWith` in one task would
 * change it for every task sharing it), so a shared one would be wrong exactly then.
 *
 * The task is its own AsyncResource (`Task extends AsyncResource`, made where the spawn is
 * asked for): a separate resource per task cost 74 bytes (its object, two boxed async ids and
 * the task's pointer to it), the task as the resource 48, and 23 once its id fields are
 * generalized (`generalizeAsyncIdFields`); one allocation less per spawn; and async_hooks
 * tools see each task as a `curio.Task` resource whose trigger is its spawn site. A catch: an
 * Error keeps the receivers of its frames until its `stack` is read, and a step's frame now
 * has the task as receiver (see the kernel's `finish`).
 *
 * Promise code a task starts inherits the task's context because the task's step runs
 * inside `runInAsyncScope`: promises, timers and sockets created there capture it.
 *
 * What it costs (bench/ab-kernel.mjs, built kernel, Node 20, CPU time, medians of alternated
 * rounds), the kernel with contexts against the same kernel without: a generator mailbox
 * ping-pong 0.95x, a hand-over ping-pong 0.97x, sleep(0) among 10k tasks 0.91x, spawn+join of
 * 10k 0.91x. Every switch between two tasks enters the other's context; it cost 0.73-0.83x
 * while a helper frame stood between `runInAsyncScope` and the step (see the kernel's
 * `stepInContext`).
 */
/**
 * Make the async-id fields of every object shaped like `probe` (a throwaway task) plain
 * tagged fields.
 *
 * Discussion: a task's two async ids (set by the AsyncResource constructor, under symbols)
 * are integers, but V8 picks a field's representation from the first values stored there and
 * kept them as boxed doubles: 16 bytes each, per task. Storing something else once, in a
 * throwaway object of the same shape, generalizes both fields for all of them (the ids then
 * take no box): measured 80 -> 55 bytes per AsyncResource subclass instance. Should Node keep
 * the ids elsewhere one day, the loop finds nothing and changes nothing.
 */
export function generalizeAsyncIdFields(probe: object): void {
  for (const key of Object.getOwnPropertySymbols(probe)) {
    ;(probe as Record<symbol, unknown>)[key] = undefined
  }
}
