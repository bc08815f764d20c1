// The far end of the curio channel row, in its own process: for each line on stdin (a Unix
// socket path), connect there and echo every message until end of stream. Ends with stdin.
import { createInterface } from 'node:readline'
import { Channel, EOFError } from '@curio/io'
import { run } from '@curio/kernel'

for await (const path of createInterface({ input: process.stdin })) {
  await run(function* () {
    using conn = yield* new Channel(path).connect()
    for (;;) {
      let message: Uint8Array
      try {
        message = yield* conn.recvBytes()
      } catch (error) {
        if (error instanceof EOFError) return
        throw error
      }
      yield* conn.sendBytes(message)
    }
  })
}
