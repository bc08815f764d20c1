/**
 * The trap fast path (`Trap.next` finishing a trap inside `yield*`) must be invisible: random
 * programs run with it on and off give the same events, by the virtual clock, down to the
 * activation hooks and every task's `cycles`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Activation,
  CancelledError,
  checkCancellation,
  clock,
  currentTask,
  disableCancellation,
  ignoreAfter,
  Kernel,
  MUST_WAIT,
  type Operation,
  setCancellation,
  sleep,
  spawn,
  type Task,
  TaskCancelled,
  TaskError,
  timeoutAfter,
  WaitQueue,
} from '../src/index.js'
import { fastPath } from '../src/trap.js'

type Action =
  | { k: 'spawn'; script: number }
  | { k: 'child'; script: number; delay: number; next: 'join' | 'wait' | 'cancel' | 'cancelNb' }
  | { k: 'join' | 'wait'; ref: number; ended: boolean }
  | { k: 'cancel'; ref: number; ended: boolean; blocking: boolean }
  | { k: 'cancelAny'; ref: number }
  | { k: 'joinSelf' | 'waitSelf' | 'cancelSelf' | 'cancelSelfBlocking' }
  | { k: 'sleep'; ms: number }
  | { k: 'take' | 'suspend'; q: number }
  | { k: 'give'; q: number }
  | { k: 'takeByHand'; q: number; give: boolean }
  | { k: 'wake'; q: number; n: number }
  | { k: 'timeout'; ignore: boolean; ms: number; body: Action[] }
  | { k: 'shield'; body: Action[] }
  | { k: 'check' | 'clearCancel' | 'setCancel' | 'clock' | 'current' | 'fail' }

/** Script 0 is main's; a script spawns only later scripts, so programs are finite. */
type Program = Action[][]

class Fail extends Error {}

const QUEUES = 2
/** Spawns beyond this are skipped (and logged), to keep programs small. */
const MAX_TASKS = 10

/** Blocking-free actions and waits the reaper ends: what a shielded region may hold. */
function shieldSafe(): fc.Arbitrary<Action> {
  return fc.oneof(
    fc.record({ k: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ k: fc.constantFrom('take' as const, 'suspend' as const), q: fc.nat(QUEUES - 1) }),
    fc.record({ k: fc.constant('give' as const), q: fc.nat(QUEUES - 1) }),
    fc.record({
      k: fc.constantFrom('check' as const, 'clock' as const, 'current' as const, 'cancelSelf' as const),
    }),
    fc.record({ k: fc.constant('cancelAny' as const), ref: fc.nat(20) }),
  )
}

function leaf(): fc.Arbitrary<Action> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ k: fc.constant('spawn' as const), script: fc.nat(3) }) },
    {
      weight: 5,
      arbitrary: fc.record({
        k: fc.constant('child' as const),
        script: fc.nat(3),
        delay: fc.nat(3),
        next: fc.constantFrom('join' as const, 'wait' as const, 'cancel' as const, 'cancelNb' as const),
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        k: fc.constantFrom('join' as const, 'wait' as const),
        ref: fc.nat(20),
        ended: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('cancel' as const),
        ref: fc.nat(20),
        ended: fc.boolean(),
        blocking: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('cancelAny' as const), ref: fc.nat(20) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constantFrom(
          'joinSelf' as const,
          'waitSelf' as const,
          'cancelSelf' as const,
          'cancelSelfBlocking' as const,
        ),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({ k: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 5 }) }),
    },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('take' as const), q: fc.nat(QUEUES - 1) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('takeByHand' as const),
        q: fc.nat(QUEUES - 1),
        give: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('suspend' as const), q: fc.nat(QUEUES - 1) }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('give' as const), q: fc.nat(QUEUES - 1) }) },
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant('wake' as const), q: fc.nat(QUEUES - 1), n: fc.nat(2) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constantFrom(
          'check' as const,
          'clearCancel' as const,
          'setCancel' as const,
          'clock' as const,
          'current' as const,
        ),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('fail' as const) }) },
  )
}

/** A timeout block; its body may hold one more level of them (nested deadlines). */
function timeoutArb(depth: number): fc.Arbitrary<Action> {
  const inner = depth === 0 ? leaf() : fc.oneof({ weight: 3, arbitrary: leaf() }, timeoutArb(depth - 1))
  return fc.record({
    k: fc.constant('timeout' as const),
    ignore: fc.boolean(),
    ms: fc.integer({ min: 1, max: 8 }),
    body: fc.array(inner, { maxLength: 3 }),
  })
}

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: leaf() },
  { weight: 1, arbitrary: timeoutArb(1) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('shield' as const),
      body: fc.array(shieldSafe(), { maxLength: 3 }),
    }),
  },
)

const programArb: fc.Arbitrary<Program> = fc.array(
  fc.array(actionArb, { minLength: 1, maxLength: 6, size: 'max' }),
  {
    minLength: 2,
    maxLength: 4,
  },
)

function errorName(error: unknown): string {
  if (error instanceof TaskError) return `TaskError(${errorName(error.cause)})`
  return error instanceof Error ? error.constructor.name : `non-error ${String(error)}`
}

/** Runs `program` on a fresh virtual-clock kernel and returns everything it saw. */
async function record(program: Program): Promise<string[]> {
  const log: string[] = []
  const ordinal = new Map<number, number>()
  const name = (task: Task<unknown>) => `t${ordinal.get(task.id) ?? `?${task.id}`}`
  const hooks: Activation = {
    created: (task) => {
      ordinal.set(task.id, ordinal.size)
      log.push(`created ${name(task)}`)
    },
    running: (task) => log.push(`running ${name(task)}`),
    // Task ids differ between the runs: trap names show ordinals instead.
    suspended: (task, trap) =>
      log.push(
        `suspended ${name(task)} on ${trap.replace(/task (\d+)/g, (_, id) => `t${ordinal.get(Number(id))}`)}`,
      ),
    terminated: (task) => log.push(`terminated ${name(task)}`),
  }
  const kernel = new Kernel({
    clock: 'virtual',
    activations: [hooks],
    reportCrash: (report) =>
      log.push(`crash report t${ordinal.get(report.taskId)} ${errorName(report.error)}`),
  })
  const queues = Array.from({ length: QUEUES }, () => new WaitQueue<string>())
  const tokens = new Array<number>(QUEUES).fill(0)
  /** Every task of the program, in creation order: a task joins only tasks after itself. */
  const tasks: Task<unknown>[] = []
  const everyTask: Task<unknown>[] = []

  function* script(index: number): Operation<number> {
    const self = yield* currentTask()
    const me = tasks.indexOf(self)
    const say = (what: string): void => {
      log.push(`${name(self)} ${what} @${kernel.now()}`)
    }
    /**
     * A task created after this one (joins and blocking cancels only go forward: no cycles),
     * one that has ended if `ended` and there is one: those are the fast path's joins.
     */
    const later = (ref: number, ended: boolean): Task<unknown> | undefined => {
      const all = tasks.slice(me + 1)
      const done = all.filter((t) => t.terminated)
      const pool = ended && done.length > 0 ? done : all
      return pool.length === 0 ? undefined : pool[ref % pool.length]
    }
    function take(q: number): Operation<string> {
      return queues[q]!.suspend('TAKE', () => {
        if (tokens[q]! === 0) return MUST_WAIT
        tokens[q]!--
        return 'banked'
      })
    }
    function give(q: number): void {
      const handed = queues[q]!.wake(1, 'handed')
      if (handed === 0) tokens[q]!++
      say(`gave q${q} (handed ${handed})`)
    }
    function* spawnScript(ref: number): Operation<Task<unknown> | undefined> {
      const after = program.length - index - 1
      if (after === 0 || tasks.length >= MAX_TASKS) {
        say(`spawn skipped`)
        return undefined
      }
      const target = index + 1 + (ref % after)
      const child = yield* spawn(() => script(target), { name: `s${target}` })
      tasks.push(child)
      everyTask.push(child)
      say(`spawned ${name(child)}`)
      return child
    }
    function* act(a: Action): Operation<void> {
      switch (a.k) {
        case 'spawn':
          yield* spawnScript(a.script)
          return
        case 'child': {
          // Spawn, let it run a while (or not at all), then join, wait for or cancel it.
          const child = yield* spawnScript(a.script)
          if (child === undefined) return
          if (a.delay > 0) yield* sleep(a.delay)
          const before = child.terminated ? 'ended' : 'live'
          let result: unknown
          if (a.next === 'join') result = yield* child.join()
          else if (a.next === 'wait') result = yield* child.wait()
          else result = yield* child.cancel({ blocking: a.next === 'cancel' })
          return say(`${a.next} child ${name(child)} (${before}) -> ${String(result)}`)
        }
        case 'join':
        case 'wait':
        case 'cancel': {
          const target = later(a.ref, a.ended)
          if (target === undefined) return say(`${a.k} nobody`)
          const before = target.terminated ? 'ended' : 'live'
          let result: unknown
          let what: string = a.k
          if (a.k === 'cancel') {
            result = yield* target.cancel({ blocking: a.blocking })
            if (!a.blocking) what = 'cancel(nb)'
          } else result = a.k === 'join' ? yield* target.join() : yield* target.wait()
          return say(`${what} ${name(target)} (${before}) -> ${String(result)}`)
        }
        case 'cancelAny': {
          // Any task but main, whose cancellation would end most programs at once.
          if (tasks.length < 2) return say('cancel(nb) nobody')
          const target = tasks[1 + (a.ref % (tasks.length - 1))]!
          const result = yield* target.cancel({ blocking: false })
          return say(`cancel(nb) ${name(target)} -> ${result}`)
        }
        case 'joinSelf':
          yield* self.join()
          return say('joined itself?')
        case 'waitSelf':
          yield* self.wait()
          return say('waited for itself?')
        case 'cancelSelf':
          return say(`cancel(nb) self -> ${yield* self.cancel({ blocking: false })}`)
        case 'cancelSelfBlocking':
          yield* self.cancel()
          return say('cancelled itself blocking?')
        case 'sleep':
          return say(`slept ${a.ms} -> ${yield* sleep(a.ms)}`)
        case 'take':
          // A hand-over: a token banked by `give`, or handed over by `give` while we wait.
          return say(`took q${a.q} -> ${yield* take(a.q)}`)
        case 'takeByHand': {
          // The same, stepped by hand and forwarded with a bare yield, maybe giving in between.
          const op = take(a.q)
          let step = op.next()
          if (a.give) give(a.q)
          while (!step.done) step = op.next(yield step.value)
          return say(`took q${a.q} by hand -> ${step.value}`)
        }
        case 'suspend':
          return say(`woken q${a.q} -> ${yield* queues[a.q]!.suspend('PLAIN')}`)
        case 'give':
          return give(a.q)
        case 'wake':
          return say(`woke q${a.q} x${queues[a.q]!.wake(a.n, `w${a.n}`)}`)
        case 'timeout': {
          const body = function* () {
            for (const b of a.body) yield* guarded(b)
            return 'done'
          }
          const out = a.ignore
            ? yield* ignoreAfter(a.ms, body, { timeoutResult: 'ignored' })
            : yield* timeoutAfter(a.ms, body)
          return say(`${a.ignore ? 'ignoreAfter' : 'timeoutAfter'}(${a.ms}) -> ${out}`)
        }
        case 'shield':
          yield* disableCancellation(function* () {
            for (const b of a.body) yield* guarded(b)
          })
          return say('shield done')
        case 'check': {
          const pending = yield* checkCancellation()
          return say(`check -> ${pending === undefined ? 'none' : errorName(pending)}`)
        }
        case 'clearCancel': {
          const previous = yield* setCancellation(undefined)
          return say(`cleared ${previous === undefined ? 'none' : errorName(previous)}`)
        }
        case 'setCancel': {
          const previous = yield* setCancellation(new TaskCancelled('set'))
          return say(`set cancel, was ${previous === undefined ? 'none' : errorName(previous)}`)
        }
        case 'clock':
          return say(`clock ${yield* clock()}`)
        case 'current':
          return say(`current is self: ${(yield* currentTask()) === self}`)
        case 'fail':
          say('fails')
          throw new Fail('planned')
      }
    }
    /** Runs one action; logs what it threw. Cancellations and planned failures go on up. */
    function* guarded(a: Action): Operation<void> {
      try {
        yield* act(a)
      } catch (error) {
        say(`${a.k} threw ${errorName(error)}`)
        if (error instanceof CancelledError || error instanceof Fail) throw error
      }
    }
    try {
      for (const a of program[index]!) yield* guarded(a)
    } finally {
      say('exits')
    }
    return index
  }

  /** Wakes every queue now and then, so a task waiting with cancellation off always ends. */
  function* reaper(): Operation<void> {
    for (let i = 0; i < 1000; i++) {
      yield* sleep(7)
      for (const q of queues) q.wakeAll('reaper')
    }
    log.push('reaper gave up')
  }

  /** Main starts the program's first task and waits for it, so the run outlives its crash. */
  function* main(): Operation<string> {
    everyTask.push(yield* currentTask())
    everyTask.push(yield* spawn(reaper, { name: 'reaper', daemon: true }))
    const root = yield* spawn(() => script(0), { name: 's0' })
    tasks.push(root)
    everyTask.push(root)
    yield* root.wait()
    return root.exception === undefined
      ? `root returned ${root.result}`
      : `root threw ${errorName(root.exception)}`
  }

  try {
    log.push(`main -> ${await kernel.run(main)}`)
  } catch (error) {
    log.push(`main threw ${errorName(error)}`)
  }
  await kernel.close()
  log.push(`end @${kernel.now()}`)
  for (const task of everyTask) log.push(`${name(task)} cycles ${task.cycles} ${task.state}`)
  return log
}

/** The program's events with the fast path on and off. */
async function bothWays(program: Program): Promise<{ fast: string[]; plain: string[] }> {
  const saved = fastPath.enabled
  try {
    fastPath.enabled = true
    const fast = await record(program)
    fastPath.enabled = false
    const plain = await record(program)
    return { fast, plain }
  } finally {
    fastPath.enabled = saved
  }
}

describe('the trap fast path', () => {
  it('random programs give the same events, activations and cycles with the fast path on and off', async () => {
    await fc.assert(
      fc.asyncProperty(programArb, async (program) => {
        const { fast, plain } = await bothWays(program)
        expect(fast).toEqual(plain)
        expect(fast).not.toContain('reaper gave up')
      }),
      { numRuns: Number(process.env.CURIO_PROP_RUNS ?? 200) },
    )
  })

  it('the generated programs do reach the fast paths (the property is not vacuous)', async () => {
    // One program that spawns, joins an ended task, takes a banked token and reads the clock.
    const program: Program = [
      [
        { k: 'spawn', script: 0 },
        { k: 'sleep', ms: 1 },
        { k: 'join', ref: 0, ended: true },
        { k: 'give', q: 0 },
        { k: 'take', q: 0 },
        { k: 'clock' },
      ],
      [{ k: 'current' }],
    ]
    const { fast, plain } = await bothWays(program)
    expect(fast).toEqual(plain)
    expect(fast).toContain('t2 join t3 (ended) -> 1 @1')
    expect(fast).toContain('t2 took q0 -> banked @1')
    // The root's steps: the first (up to the sleep), the second (to the end), nothing between.
    expect(fast.filter((line) => line === 'running t2')).toHaveLength(2)
  })
})
