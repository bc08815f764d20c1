import { type Operation, run, sleep, TaskGroupError, taskGroup } from '@curio/kernel'

function* mirror(name: string, ms: number): Operation<string> {
  yield* sleep(ms)
  return name
}

function* flaky(): Operation<string> {
  yield* sleep(5)
  throw new Error('disk on fire')
}

function* main(): Operation<void> {
  // wait: 'any' — the first answer wins, the others are cancelled
  const fastest = yield* taskGroup({ wait: 'any' }, function* (group) {
    yield* group.spawn(mirror('eu', 30))
    yield* group.spawn(mirror('us', 10))
    yield* group.spawn(mirror('asia', 20))
    yield* group.join()
    return group.result
  })
  console.log('fastest:', fastest)

  // A failing child ends the join, cancels its siblings, and the scoped form throws.
  try {
    yield* taskGroup({ wait: 'all' }, function* (group) {
      yield* group.spawn(mirror('slow', 1000))
      yield* group.spawn(flaky)
    })
  } catch (error) {
    if (error instanceof TaskGroupError) console.log('group failed:', (error.cause as Error).message)
  }
}

await run(main, { clock: 'virtual' })

// Output:
// fastest: us
// group failed: disk on fire
