/**
 * Property-based tests: random trees of tasks with random sleeps, timeouts, cancels and
 * failures, run on the virtual clock and checked against a small reference model.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type CrashReport,
  clock,
  disableCancellation,
  ignoreAfter,
  Kernel,
  type Operation,
  run,
  sleep,
  spawn,
  type Task,
  TaskCancelled,
  TaskError,
  TaskTimeout,
  timeoutAfter,
} from '../src/index.js'

interface Spec {
  delay: number
  cleanup: number
  fail: boolean
  value: number
  timeout: { kind: 'timeoutAfter' | 'ignoreAfter'; ms: number } | null
  cancelAfter: number | null
  children: Spec[]
}

/** A spec with ids and exact times: every time gets its own power-of-two fraction. */
interface Node {
  id: number
  delay: number
  /** How long the cleanup in its finally blocks (always > 0: it always blocks). */
  cleanup: number
  fail: boolean
  value: number
  timeout: { kind: 'timeoutAfter' | 'ignoreAfter'; ms: number } | null
  cancelAfter: number | null
  children: Node[]
}

class Fail extends Error {}

const TIMED_OUT = -1
const IGNORED = -2
const FAILED_CHILD = 1000

function specArb(depth: number): fc.Arbitrary<Spec> {
  return fc.record({
    delay: fc.integer({ min: 0, max: 20 }),
    cleanup: fc.integer({ min: 0, max: 15 }),
    fail: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
    value: fc.integer({ min: 0, max: 9 }),
    timeout: fc.option(
      fc.record({
        kind: fc.constantFrom('timeoutAfter' as const, 'ignoreAfter' as const),
        ms: fc.integer({ min: 1, max: 40 }),
      }),
    ),
    cancelAfter: fc.option(fc.integer({ min: 1, max: 30 })),
    children: depth === 0 ? fc.constant([]) : fc.array(specArb(depth - 1), { maxLength: 2 }),
  })
}

function size(s: Spec): number {
  return 1 + s.children.reduce((n, c) => n + size(c), 0)
}

/**
 * Distinct fractional offsets make every event time unique, so the model never has to decide
 * ties. With at most 8 nodes and 4 offsets each, times need under 45 bits: exact in a double.
 */
function number(spec: Spec): Node {
  let nextId = 0
  let bit = 1
  const offset = () => 2 ** -bit++
  const go = (s: Spec): Node => ({
    id: nextId++,
    delay: s.delay + offset(),
    cleanup: s.cleanup + offset(),
    fail: s.fail,
    value: s.value,
    timeout: s.timeout && { kind: s.timeout.kind, ms: s.timeout.ms + offset() },
    cancelAfter: s.cancelAfter === null ? null : s.cancelAfter + offset(),
    children: s.children.map(go),
  })
  return go(spec)
}

type Outcome = { kind: 'value'; value: number } | { kind: 'failed' } | { kind: 'cancelled' }
interface Seen {
  outcome: Outcome
  end: number
}

/**
 * The reference model: when each node ends and how, and which failures nobody joined.
 *
 * A node sleeps `delay`, then fails, or spawns its children (each with a canceller when it has
 * `cancelAfter`) and joins them in order. However that main part ends, its finally cancels the
 * cancellers and then the children one at a time (each waited for), inside
 * disableCancellation, then sleeps `cleanup`. The whole body may sit in a timeout block.
 */
function model(root: Node): { nodes: Map<number, Seen>; crashed: Set<number> } {
  const simulate = (
    n: Node,
    start: number,
    kill: number,
    nodes: Map<number, Seen>,
    crashed: Set<number>,
  ): Seen => {
    const deadline = n.timeout ? start + n.timeout.ms : Number.POSITIVE_INFINITY
    const interrupt = Math.min(kill, deadline)
    const timedOut: Outcome = {
      kind: 'value',
      value: n.timeout?.kind === 'timeoutAfter' ? TIMED_OUT : IGNORED,
    }
    const awake = start + n.delay
    // The main part: [start, mainEnd), ending with `outcome`; `cleanupStart` is when the
    // finally has cancelled every child.
    let outcome: Outcome
    let mainEnd: number
    let cleanupStart: number
    let cancelled = false
    if (interrupt < awake || n.fail) {
      mainEnd = cleanupStart = Math.min(interrupt, awake)
      cancelled = interrupt < awake && interrupt === kill
      outcome = interrupt < awake ? (cancelled ? { kind: 'cancelled' } : timedOut) : { kind: 'failed' }
    } else {
      const ownKill = (c: Node) => (c.cancelAfter === null ? Number.POSITIVE_INFINITY : awake + c.cancelAfter)
      // First as if the parent were never interrupted...
      let childNodes = new Map<number, Seen>()
      let childCrashed = new Set<number>()
      let children = n.children.map((c) => simulate(c, awake, ownKill(c), childNodes, childCrashed))
      const joinedAll = children.reduce((t, c) => Math.max(t, c.end), awake)
      if (joinedAll < interrupt) {
        outcome = {
          kind: 'value',
          value: n.value + children.reduce((sum, c) => sum + contribution(c.outcome), 0),
        }
        mainEnd = cleanupStart = joinedAll
      } else {
        // ...else interrupted while joining: the finally cancels the children one by one.
        childNodes = new Map()
        childCrashed = new Set()
        // The cancellers are cancelled first: one that had not fired by then never fires.
        const firedKill = (c: Node) => (ownKill(c) < interrupt ? ownKill(c) : Number.POSITIVE_INFINITY)
        let cancelAt = interrupt
        children = n.children.map((c) => {
          const seen = simulate(c, awake, Math.min(firedKill(c), cancelAt), childNodes, childCrashed)
          cancelAt = Math.max(cancelAt, seen.end)
          return seen
        })
        mainEnd = interrupt
        cleanupStart = cancelAt
        cancelled = interrupt === kill
        outcome = cancelled ? { kind: 'cancelled' } : timedOut
      }
      // A failed child is looked at if its join() returned before the interruption.
      let t = awake
      n.children.forEach((c, i) => {
        const joinedAt = Math.max(t, children[i]!.end)
        if (!(joinedAt < interrupt) && children[i]!.outcome.kind === 'failed') childCrashed.add(c.id)
        t = joinedAt
      })
      for (const [id, seen] of childNodes) nodes.set(id, seen)
      for (const id of childCrashed) crashed.add(id)
    }
    // The cleanup sleep: [cleanupStart, cleanupEnd). A cancelled node takes no more
    // interruptions (a second cancel is harmless, its open timeouts are disarmed).
    const cleanupEnd = cleanupStart + n.cleanup
    let seen: Seen = { outcome, end: cleanupEnd }
    if (!cancelled) {
      const inWindow = (t: number) => t >= mainEnd && t < cleanupEnd
      const lateKill = inWindow(kill) ? Math.max(kill, cleanupStart) : Number.POSITIVE_INFINITY
      const lateDeadline = outcome !== timedOut && inWindow(deadline) ? deadline : Number.POSITIVE_INFINITY
      if (lateKill < lateDeadline) seen = { outcome: { kind: 'cancelled' }, end: lateKill }
      else if (lateDeadline < lateKill) seen = { outcome: timedOut, end: lateDeadline }
    }
    nodes.set(n.id, seen)
    return seen
  }
  const nodes = new Map<number, Seen>()
  const crashed = new Set<number>()
  simulate(root, 0, Number.POSITIVE_INFINITY, nodes, crashed)
  return { nodes, crashed }
}

function contribution(outcome: Outcome): number {
  if (outcome.kind === 'value') return outcome.value
  return outcome.kind === 'failed' ? FAILED_CHILD : 0
}

/** The same tree as real tasks. */
function program(
  root: Node,
  record: { finallies: Map<number, number>; ends: Map<number, number>; tasks: Map<number, Task<number>> },
) {
  function* node(n: Node): Operation<number> {
    function* body(): Operation<number> {
      const tasks: Task<number>[] = []
      const helpers: Task<unknown>[] = []
      try {
        yield* sleep(n.delay)
        if (n.fail) throw new Fail(`node ${n.id}`)
        for (const c of n.children) {
          const t = yield* spawn(() => node(c), { name: `n${c.id}` })
          record.tasks.set(c.id, t)
          tasks.push(t)
          if (c.cancelAfter !== null) {
            const after = c.cancelAfter
            helpers.push(
              yield* spawn(function* canceller() {
                yield* sleep(after)
                yield* t.cancel()
              }),
            )
          }
        }
        let sum = n.value
        for (const t of tasks) {
          try {
            sum += yield* t.join()
          } catch (e) {
            if (!(e instanceof TaskError)) throw e
            if (e.cause instanceof Fail) sum += FAILED_CHILD
            else if (!(e.cause instanceof TaskCancelled)) throw e
          }
        }
        return sum
      } finally {
        // Children never outlive their parent, however it ends.
        yield* disableCancellation(function* () {
          for (const t of [...helpers, ...tasks]) yield* t.cancel()
        })
        yield* sleep(n.cleanup)
      }
    }
    try {
      if (n.timeout?.kind === 'timeoutAfter') {
        try {
          return yield* timeoutAfter(n.timeout.ms, body)
        } catch (e) {
          if (e instanceof TaskTimeout) return TIMED_OUT
          throw e
        }
      }
      if (n.timeout?.kind === 'ignoreAfter')
        return yield* ignoreAfter(n.timeout.ms, body, { timeoutResult: IGNORED })
      return yield* body()
    } finally {
      record.finallies.set(n.id, (record.finallies.get(n.id) ?? 0) + 1)
      record.ends.set(n.id, yield* clock())
    }
  }
  return node(root)
}

function outcomeOf(task: Task<number>): Outcome {
  const e = task.exception
  if (e === undefined) return { kind: 'value', value: task.result }
  if (e instanceof Fail) return { kind: 'failed' }
  if (e instanceof TaskCancelled) return { kind: 'cancelled' }
  throw e
}

describe('random task trees against the reference model', () => {
  it('outcomes and end times match, every finally runs once, nothing is left alive, unjoined failures are reported', async () => {
    await fc.assert(
      fc.asyncProperty(
        specArb(3).filter((s) => size(s) <= 8),
        async (spec) => {
          const root = number(spec)
          const expected = model(root)
          const record = {
            finallies: new Map<number, number>(),
            ends: new Map<number, number>(),
            tasks: new Map(),
          }
          const reports: CrashReport[] = []
          const kernel = new Kernel({ clock: 'virtual', reportCrash: (r) => reports.push(r) })
          let rootOutcome: Outcome
          try {
            rootOutcome = { kind: 'value', value: await kernel.run(() => program(root, record)) }
          } catch (e) {
            if (!(e instanceof Fail)) throw e
            rootOutcome = { kind: 'failed' }
          }
          expect(kernel.tasks()).toEqual([])
          await kernel.close()

          // Every node that started ran its finally exactly once; the others never ran.
          for (const id of expected.nodes.keys())
            expect(record.finallies.get(id), `finally of n${id}`).toBe(1)
          expect(record.finallies.size).toBe(expected.nodes.size)

          expect(rootOutcome).toEqual(expected.nodes.get(0)!.outcome)
          for (const [id, seen] of expected.nodes) {
            expect(record.ends.get(id), `end of n${id}`).toBe(seen.end)
            if (id !== 0) expect(outcomeOf(record.tasks.get(id)!), `outcome of n${id}`).toEqual(seen.outcome)
          }
          expect(new Set(reports.map((r) => r.name))).toEqual(
            new Set([...expected.crashed].map((id) => `n${id}`)),
          )
          expect(reports).toHaveLength(expected.crashed.size)
        },
      ),
      { numRuns: Number(process.env.CURIO_PROP_RUNS ?? 100) },
    )
  })
})

interface Level {
  kind: 'timeoutAfter' | 'ignoreAfter'
  ms: number
  /** Sleep after the inner block returned, still inside this block. */
  after: number
}

type Escape = { kind: 'value'; value: string; at: number } | { kind: 'error'; name: string; at: number }

/**
 * Curio's nesting rules as a model. Levels are numbered from the outermost; every deadline is
 * distinct, so when one fires it is the only expired one among the blocks still open.
 */
function nestingModel(levels: Level[], body: number, trace: string[]): Escape {
  const deadlines = levels.map((l) => l.ms)
  /** What a TaskTimeout / TimeoutCancellationError fired at `f` does when it reaches block `k`. */
  const unwind = (k: number, f: number, name: string): Escape => {
    const expired = deadlines.slice(0, k + 1).findIndex((d) => d <= f)
    if (expired < 0) return { kind: 'error', name: 'UncaughtTimeoutError', at: f }
    if (expired < k) return { kind: 'error', name: 'TimeoutCancellationError', at: f }
    if (levels[k]!.kind === 'ignoreAfter') return { kind: 'value', value: `ignored ${k}`, at: f }
    return { kind: 'error', name: name === 'TimeoutCancellationError' ? 'TaskTimeout' : name, at: f }
  }
  /** Block k, starting at t (blocks 0..k open); what leaves it is traced. */
  const inside = (k: number, t: number): Escape => {
    const r = blockOf(k, t)
    if (k < levels.length && r.kind === 'error') trace.push(`${k}:${r.name}`)
    return r
  }
  const blockOf = (k: number, t: number): Escape => {
    const sleepUntil = (from: number, ms: number, open: number, value: string): Escape => {
      const end = from + ms
      const fire = Math.min(...deadlines.slice(0, open))
      return fire < end ? { kind: 'error', name: 'TaskTimeout', at: fire } : { kind: 'value', value, at: end }
    }
    if (k === levels.length) return sleepUntil(t, body, k, 'body')
    let r = inside(k + 1, t)
    if (r.kind === 'error' && (r.name === 'TaskTimeout' || r.name === 'TimeoutCancellationError')) {
      r = unwind(k, r.at, r.name)
      if (r.kind === 'error') return r
    } else if (r.kind === 'error') return r
    // Inner block returned: sleep `after` inside block k, where blocks 0..k may fire.
    const s = sleepUntil(r.at, levels[k]!.after, k + 1, r.value)
    if (s.kind === 'error') return unwind(k, s.at, s.name)
    return s
  }
  return inside(0, 0)
}

describe('random nestings of timeout blocks against a model of the nesting rules', () => {
  const levelArb = fc.record({
    kind: fc.constantFrom('timeoutAfter' as const, 'ignoreAfter' as const),
    ms: fc.integer({ min: 1, max: 50 }),
    after: fc.integer({ min: 0, max: 20 }),
  })
  it('outermost expired gets TaskTimeout, inner blocks TimeoutCancellationError, escapes are UncaughtTimeoutError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(levelArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 60 }),
        async (spec, b) => {
          // Distinct fractional parts: no two events at the same virtual time.
          let bit = 1
          const offset = () => 2 ** -bit++
          const levels = spec.map((l) => ({ ...l, ms: l.ms + offset(), after: l.after + offset() }))
          const body = b + offset()
          const expectedTrace: string[] = []
          const expected = nestingModel(levels, body, expectedTrace)
          const trace: string[] = []
          const actual = await vrunNesting(levels, body, trace)
          expect(actual).toEqual(expected)
          expect(trace).toEqual(expectedTrace)
        },
      ),
      { numRuns: Number(process.env.CURIO_PROP_RUNS ?? 100) },
    )
  })
})

async function vrunNesting(levels: Level[], body: number, trace: string[]): Promise<Escape> {
  const kernel = new Kernel({ clock: 'virtual' })
  function* block(k: number): Operation<string> {
    if (k === levels.length) {
      yield* sleep(body)
      return 'body'
    }
    const level = levels[k]!
    const inner = function* (): Operation<string> {
      const v = yield* block(k + 1)
      yield* sleep(level.after)
      return v
    }
    try {
      return level.kind === 'timeoutAfter'
        ? yield* timeoutAfter(level.ms, inner)
        : yield* ignoreAfter(level.ms, inner, { timeoutResult: `ignored ${k}` })
    } catch (e) {
      trace.push(`${k}:${(e as Error).name}`)
      throw e
    }
  }
  let out: Escape
  try {
    const value = await kernel.run(function* () {
      const v = yield* block(0)
      return { v, at: yield* clock() }
    })
    out = { kind: 'value', value: value.v, at: value.at }
  } catch (e) {
    out = { kind: 'error', name: (e as Error).name, at: kernel.now() }
  }
  await kernel.close()
  return out
}

describe('random sleeps and cancels', () => {
  it('every sleeper wakes exactly at its deadline unless cancelled first; wake order is by time, then by order set', async () => {
    const sleeperArb = fc.record({
      ms: fc.integer({ min: 0, max: 100 }),
      cancelAt: fc.option(fc.integer({ min: 0, max: 100 })),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(sleeperArb, { maxLength: 40 }), async (sleepers) => {
        const woke: string[] = []
        await run(
          function* () {
            const tasks: Task<void>[] = []
            for (let i = 0; i < sleepers.length; i++) {
              tasks[i] = yield* spawn(function* () {
                try {
                  const at = yield* sleep(sleepers[i]!.ms)
                  woke.push(`${i} woke ${at}`)
                } catch (e) {
                  if (!(e instanceof TaskCancelled)) throw e
                  woke.push(`${i} cancelled ${yield* clock()}`)
                }
              })
            }
            for (let i = 0; i < sleepers.length; i++) {
              const at = sleepers[i]!.cancelAt
              if (at !== null) {
                yield* spawn(function* () {
                  yield* sleep(at)
                  yield* tasks[i]!.cancel({ blocking: false })
                })
              }
            }
            for (const t of tasks) yield* t.wait()
          },
          { clock: 'virtual' },
        )
        // Model: a sleeper set at 0 wakes at ms; a canceller set later fires at cancelAt and
        // wins if strictly earlier (at equal times the sleeper's own timer, set first, fires first).
        const expected = sleepers
          .map((s, i) => {
            const cancelled = s.cancelAt !== null && s.cancelAt < s.ms && s.ms > 0
            const t = cancelled ? s.cancelAt! : s.ms
            return { i, t, cancelled, order: cancelled ? sleepers.length + i : i }
          })
          .sort((a, b) => a.t - b.t || a.order - b.order)
          .map((e) => `${e.i} ${e.cancelled ? 'cancelled' : 'woke'} ${e.t}`)
        expect(woke).toEqual(expected)
      }),
      { numRuns: Number(process.env.CURIO_PROP_RUNS ?? 100) },
    )
  })
})
