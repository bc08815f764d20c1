// Curio's fibserve: a TCP server that computes Fibonacci numbers in a process pool, so a
// long computation for one client never stalls the others. Send a number per line, get
// fib(n) back. Run: node --conditions=@curio/source --import tsx examples/fibserve.ts [port]
// then `nc localhost 25000` and type 30.
import type { Address, Socket } from '@curio/io'
import { tcpServer } from '@curio/io'
import { type Operation, run } from '@curio/kernel'
import { runInProcess } from '@curio/workers'
import { isMain } from './is-main.js'

/** Runs in a worker process: sent by source, so it only uses its argument (and itself). */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}

export function* fibHandler(client: Socket, addr: Address): Operation<void> {
  console.log('Connection from', addr)
  const lines = client.asStream()
  for (;;) {
    const line = (yield* lines.readline()).toString()
    if (line === '') break
    const n = Number(line.trim())
    const answer = Number.isInteger(n) && n >= 0 ? String(yield* runInProcess(fib, n)) : 'not a whole number'
    yield* client.sendall(Buffer.from(`${answer}\n`))
  }
  console.log('Connection closed')
}

if (isMain(import.meta.url)) await run(tcpServer('', Number(process.argv[2] ?? 25000), fibHandler))
