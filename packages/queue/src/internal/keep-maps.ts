const exemplars: object[] = []

/**
 * Keep `objects` alive for good, so the hidden classes they were built through stay alive.
 *
 * Discussion: as in @curio/kernel (its keep-maps.ts says why): a full GC at a moment when no
 * queue is alive collects the maps of the queue's classes, and every function compiled against
 * them goes with them. Measured: a Queue ping-pong of 200k messages ran at 114-125 ns a message,
 * and right after a `gc()` at 200-227 ns for all of the next 12 runs; with one exemplar of each
 * class kept, back to 114-124 after the second.
 */
export function keepMaps(...objects: object[]): void {
  exemplars.push(...objects)
}
