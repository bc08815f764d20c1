/**
 * One object of each of the kernel's hot classes, kept alive as long as the module is.
 *
 * Discussion: V8 gives an object a hidden class (a map) for each field its constructor adds, and
 * holds each such map only through its predecessor's transition, weakly: once no object of the
 * class is left, a full GC collects the maps, and every function compiled against them goes
 * with them ("weak objects" in `node --trace-deopt`). A program with no task alive for a moment
 * (between two `run()`s, a CLI that runs one now and then, the bench's `gc()` before each row)
 * then starts its next run cold: the ping-pong rounds right after a `gc()` took 590 and 287
 * ns a message, then 130, with step, the traps' `next`, the wait queue and the ready queue all
 * thrown away and compiled again. An exemplar of each class keeps the maps, and so the compiled
 * code, alive: the bench's ping-pong row, measured after the spawn+join rows as `pnpm bench`
 * runs it, went from 0.39x to 0.45x of promises. The maps of the program's own classes (the
 * mailbox a task waits on) still go the same way; only the program can keep those. A few
 * hundred bytes, made once at load; nothing ever reads them.
 *
 * The kernel itself is the exception (`keepLatest`): V8 first tracks its fields as constants
 * and makes them mutable as it runs, which gives a kernel that has run a map of its own, so a
 * new one is kept each time a run ends. With it, `--trace-deopt` shows no "weak objects" after
 * a `gc()` any more, and a Queue ping-pong right after one runs at its normal speed from the
 * first round (it ran 1.8x slower for twelve rounds of 200k messages).
 */
const exemplars: object[] = []

/** Keep `objects` alive for good: the maps they were built through stay alive with them. */
export function keepMaps(...objects: object[]): void {
  exemplars.push(...objects)
}

const latest = new Map<string, object>()

/**
 * Keep `object` alive until the next call with the same `key`: for a class whose objects change
 * map as they are used (fields V8 first tracks as constants become mutable), where an exemplar
 * made at load would keep the wrong map, so a fresh one is made after use.
 */
export function keepLatest(key: string, object: object): void {
  latest.set(key, object)
}
