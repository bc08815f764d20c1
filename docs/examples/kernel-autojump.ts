import { AF_INET, openConnection, SOCK_STREAM, socket } from '@curio/io'
import { clock, type Operation, run, timeoutAfter } from '@curio/kernel'

// A peer that connects and then says nothing. Under the virtual clock an open socket holds
// time still (the peer might answer at any moment); autojump: 20 lets the clock jump to the
// next deadline once 20 ms of real time passed with nothing happening.
function* main(): Operation<void> {
  const server = socket(AF_INET, SOCK_STREAM)
  server.bind(['127.0.0.1', 0])
  server.listen()
  const conn = yield* openConnection('127.0.0.1', (server.getsockname() as [string, number])[1])
  const [silent] = yield* server.accept()
  const start = yield* clock()
  try {
    yield* timeoutAfter(5 * 60_000, conn.recv(100)) // five virtual minutes
  } catch (error) {
    console.log((error as Error).name, 'after', ((yield* clock()) - start) / 60_000, 'virtual minutes')
  } finally {
    conn.close()
    silent.close()
    server.close()
  }
}

const t0 = performance.now()
await run(main, { clock: 'virtual', autojump: 20 })
console.log('real time under a second:', performance.now() - t0 < 1000)

// Output:
// TaskTimeout after 5 virtual minutes
// real time under a second: true
