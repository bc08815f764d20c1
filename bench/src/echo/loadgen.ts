/**
 * Runs the load generator: the C one (`loadgen.c`, built on first use into the temp dir) when a
 * C compiler exists, else `loadgen.mjs` in a long-lived Node child process. Either way it is a
 * separate process, so the server under test has the bench process's core to itself.
 */
import { type ChildProcess, execFile, execFileSync, fork } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/** One run: `count` request/response messages of `size` bytes over `conns` connections. */
export interface Job {
  port: number
  /** A Unix socket path to connect to instead of 127.0.0.1:port. */
  path?: string | undefined
  conns: number
  size: number
  count: number
  /** Connect with `node:tls` (the Node generator only: the C one has no TLS). */
  tls?: boolean
}

/** What the generator measured itself. */
export interface JobResult {
  messages: number
  seconds: number
}

/**
 * Build `name.c` next to this file into the temp dir; undefined when there is no C compiler.
 * The binary's name carries a hash of the source, so an edited source is rebuilt and worktrees
 * with different versions do not share a binary.
 */
export function buildC(name: string): string | undefined {
  const source = fileURLToPath(new URL(`./${name}.c`, import.meta.url))
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12)
  const binary = join(tmpdir(), `curio-bench-${name}-${hash}`)
  if (existsSync(binary)) return binary
  try {
    execFileSync('cc', ['-O2', '-o', binary, source], {
      stdio: 'ignore',
    })
    return binary
  } catch {
    return undefined
  }
}

const cLoadgen = buildC('loadgen')

/** Which generator is in use, for the table's note. */
export const loadgenKind = cLoadgen !== undefined ? 'C epoll client' : 'Node net client'

let child: ChildProcess | undefined

function nodeGenerator(): ChildProcess {
  if (child !== undefined) return child
  child = fork(new URL('./loadgen.mjs', import.meta.url), [], { execArgv: [], stdio: 'inherit' })
  // The bench process must be able to exit with the generator idle; it exits on disconnect.
  child.unref()
  ;(child as unknown as { channel?: { unref(): void } }).channel?.unref()
  return child
}

/** Run a job and return the generator's own count and timing. */
export async function drive(job: Job): Promise<JobResult> {
  if (cLoadgen !== undefined && !job.tls) {
    const args = [job.path ?? job.port, job.conns, job.size, job.count].map(String)
    const { stdout } = await promisify(execFile)(cLoadgen, args)
    const [messages, seconds] = stdout.trim().split(' ').map(Number)
    return { messages: messages!, seconds: seconds! }
  }
  const gen = nodeGenerator()
  const answer = once(gen, 'message')
  gen.send({ host: '127.0.0.1', ...job })
  const [result] = (await answer) as [JobResult & { error?: string }]
  if (result.error !== undefined) throw new Error(`load generator failed: ${result.error}`)
  return result
}
