import { relative } from 'node:path'
import { type Kernel, type Task, timeoutLeft } from '@curio/kernel'

/** `file:line` relative to the working directory when it is inside it: shorter in a table. */
export function shortPath(location: string): string {
  const path = location.startsWith('file://') ? location.slice('file://'.length) : location
  if (!path.startsWith('/') && !/^[A-Za-z]:\\/.test(path)) return location
  const rel = relative(process.cwd(), path)
  return rel.startsWith('..') ? path : rel
}

function formatTimeout(ms: number | undefined): string {
  if (ms === undefined) return '-'
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`
}

/** One row of `ps` for each task, as columns of text. */
const columns = ['ID', 'NAME', 'STATE', 'CYCLES', 'TIMEOUT', 'WHERE'] as const

/** The `ps` table: every live task, oldest first, columns padded to their widest cell. */
export function psTable(kernel: Kernel): string {
  const rows: string[][] = [[...columns]]
  for (const task of kernel.tasks()) {
    rows.push([
      String(task.id),
      task.daemon ? `${task.name}*` : task.name,
      task.state,
      String(task.cycles),
      formatTimeout(timeoutLeft(kernel, task)),
      shortPath(task.where() ?? ''),
    ])
  }
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** `where ID`: the task, then each `yield*` frame it is suspended in, innermost first. */
export function whereText(task: Task<unknown>): string {
  const head = `task ${task.id} (${task.name}) ${task.state}`
  const frames = task.traceback()
  if (frames.length > 0) return [head, ...frames.map((f) => `  at ${shortPath(f)}`)].join('\n')
  const where = task.where()
  const hint = '  (start with CURIO_DEBUG=1 for file:line locations)'
  return where === undefined || where === task.state ? `${head}\n${hint}` : `${head}\n  in ${where}\n${hint}`
}
