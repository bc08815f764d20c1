import type { NodeStream } from '@curio/io'
import { CancelledError, type Operation, TaskGroupError, taskGroup } from '@curio/kernel'
import type { Popen } from '../popen.js'
import { killAndReap } from './reap.js'

/** Output chunks read so far: still there when the exchange is cut short (`TimeoutExpired`). */
export interface Captured {
  stdout: Buffer[]
  stderr: Buffer[]
}

const CHUNK = 64 * 1024

/**
 * `communicate`'s work: feed `input` to the child and close its input, read its output and
 * error into `captured`, all at once (so neither side can fill a pipe and deadlock the other),
 * then wait for the exit. Failing, cancelled or timed out, it kills and reaps the child and
 * closes its pipes before the error propagates.
 */
export function* exchange(
  p: Popen,
  input: Uint8Array | string | undefined,
  captured: Captured,
): Operation<number> {
  if (input !== undefined && p.stdin === null) {
    throw new TypeError('communicate(input) needs the child started with stdin: PIPE')
  }
  try {
    yield* taskGroup({ wait: 'all' }, function* (group) {
      if (p.stdin !== null) yield* group.spawn(feed(p.stdin, input), { name: 'stdin' })
      if (p.stdout !== null) yield* group.spawn(drain(p.stdout, captured.stdout), { name: 'stdout' })
      if (p.stderr !== null) yield* group.spawn(drain(p.stderr, captured.stderr), { name: 'stderr' })
    })
    return yield* p.wait()
  } catch (error) {
    yield* killAndReap(p)
    for (const stream of [p.stdin, p.stdout, p.stderr]) stream?.close()
    // A child that never started: its start error (ENOENT...) says why, not a broken pipe.
    if (!(error instanceof CancelledError)) yield* p.wait()
    throw error instanceof TaskGroupError ? error.cause : error
  }
}

function* feed(stdin: NodeStream, input: Uint8Array | string | undefined): Operation<void> {
  try {
    if (input !== undefined && input.length > 0) yield* stdin.write(input)
  } catch (error) {
    // The child exited or closed its input without reading it all: as in Python, not an error.
    // (Node's stdio pipes are socket pairs, which may report that as ECONNRESET too.)
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EPIPE' && code !== 'ECONNRESET') throw error
  } finally {
    stdin.close()
  }
}

function* drain(stream: NodeStream, into: Buffer[]): Operation<void> {
  for (;;) {
    const chunk = yield* stream.read(CHUNK)
    if (chunk.length === 0) break
    into.push(chunk)
  }
  stream.close()
}
