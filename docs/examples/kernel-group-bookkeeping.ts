import { type Operation, run, sleep, TaskGroup } from '@curio/kernel'

function* after<T>(ms: number, value: T): Operation<T> {
  yield* sleep(ms)
  return value
}

function* heartbeat(): Operation<never> {
  for (;;) yield* sleep(5)
}

function* main(): Operation<void> {
  const group = new TaskGroup()
  yield* group.spawn(after(30, 'slow'))
  yield* group.spawn(after(10, 'fast'))
  yield* group.spawn(heartbeat, { daemon: true }) // cancelled at join, in no result
  yield* group.join()
  console.log('results (creation order):', group.results)
  console.log('completed first:', group.completed?.result)

  // Taken out by hand, a task leaves the group.
  const picky = new TaskGroup()
  yield* picky.spawn(after(10, 'a'))
  yield* picky.spawn(after(20, 'b'))
  console.log('took:', yield* picky.nextResult())
  yield* picky.join()
  console.log('left in the group:', picky.results)
}

await run(main, { clock: 'virtual' })

// Output:
// results (creation order): [ 'slow', 'fast' ]
// completed first: fast
// took: a
// left in the group: [ 'b' ]
