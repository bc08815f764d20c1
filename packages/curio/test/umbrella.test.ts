import * as io from '@curio/io'
import * as kernel from '@curio/kernel'
import * as monitor from '@curio/monitor'
import * as queue from '@curio/queue'
import * as subprocess from '@curio/subprocess'
import * as sync from '@curio/sync'
import * as workers from '@curio/workers'
import { describe, expect, it } from 'vitest'
import * as curio from '../src/index.js'

const packages = { io, kernel, monitor, queue, subprocess, sync, workers }
const everything: Record<string, unknown> = { ...curio }

describe('curio, the umbrella', () => {
  it.each(Object.entries(packages))('re-exports every name of @curio/%s as the same object', (name, mod) => {
    for (const [key, value] of Object.entries(mod)) {
      if (name === 'subprocess' && key === 'run') continue // the one clash, settled below
      expect(everything[key], `${name}.${key}`).toBe(value)
    }
  })

  it("settles the one clash as Python's Curio does: run is the kernel's", () => {
    expect(curio.run).toBe(kernel.run)
    expect(curio.runProcess).toBe(subprocess.run)
    expect(curio.subprocess.run).toBe(subprocess.run)
  })

  it('adds nothing of its own beyond the clash names', () => {
    const fromPackages = new Set(Object.values(packages).flatMap((mod) => Object.keys(mod)))
    const extra = Object.keys(everything).filter((key) => !fromPackages.has(key))
    expect(extra.sort()).toEqual(['runProcess', 'subprocess'])
  })

  it('runs a program from the one import', async () => {
    const result = await curio.run(function* () {
      const q = new curio.Queue<number>()
      const done = new curio.Event()
      yield* curio.spawn(function* () {
        for (const n of [1, 2, 3]) yield* q.put(n)
        done.set()
      })
      yield* done.wait()
      return [q.getNowait(), q.getNowait(), q.getNowait()]
    })
    expect(result).toEqual([1, 2, 3])
  })
})
