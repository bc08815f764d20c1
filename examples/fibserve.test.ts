// fibserve.ts: answers come from worker processes, a long computation does not hold up
// other clients, and stopping the server stops the computation.
import { availableParallelism } from 'node:os'
import { openConnection, runServer, tcpServerSocket } from '@curio/io'
import { run, spawn } from '@curio/kernel'
import { expect, it } from 'vitest'
import { fibHandler } from './fibserve.js'

// The default process pool has os.availableParallelism() workers: with one, the quick client
// would rightly wait for the slow one.
it.skipIf(availableParallelism() < 2)(
  'answers fib(n) per line, and a long computation does not stall another client',
  async () => {
    const out = await run(function* () {
      const sock = tcpServerSocket('127.0.0.1', 0)
      const [, port] = sock.getsockname() as [string, number]
      const server = yield* spawn(runServer(sock, fibHandler))
      using slow = yield* openConnection('127.0.0.1', port)
      using quick = yield* openConnection('127.0.0.1', port)
      const quickLines = quick.asStream()
      // fib(45) takes many seconds: it is still computing while the other client is served.
      yield* slow.sendall(Buffer.from('45\n'))
      const answers: string[] = []
      for (const n of ['10', '20', 'x']) {
        yield* quick.sendall(Buffer.from(`${n}\n`))
        answers.push((yield* quickLines.readline()).toString().trim())
      }
      // Stopping the server cancels the slow handler, which kills its worker process.
      yield* server.cancel()
      const slowGot = (yield* slow.asStream().read()).toString()
      return { answers, slowGot }
    })
    expect(out.answers).toEqual(['55', '6765', 'not a whole number'])
    expect(out.slowGot).toBe('')
  },
  30_000,
)
