// Test helpers: what `ps` says about a process, outside the library under test.

import { execFileSync } from 'node:child_process'

/** The process's `ps` state letters (`S`, `R`, `Z`...), or '' when no such process exists. */
export function psState(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim()
  } catch {
    return '' // ps exits 1 when the pid is unknown
  }
}

/** Running (or stopped), as opposed to gone or a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  const state = psState(pid)
  return state !== '' && !state.startsWith('Z')
}

/** The node binary running the tests, for `node -e` children. */
export const NODE = process.execPath
