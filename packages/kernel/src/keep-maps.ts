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
 */
const exemplars: object[] = []

/** Keep `objects` alive for good: the maps they were built through stay alive with them. */
export function keepMaps(...objects: object[]): void {
  exemplars.push(...objects)
}
