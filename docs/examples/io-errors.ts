import { openConnection, runServer, type Socket, tcpServerSocket } from '@curio/io'
import { ignoreAfter, type Operation, ReadResourceBusy, run, schedule, spawn } from '@curio/kernel'

// What each error means, shown one by one.
function* quiet(client: Socket): Operation<void> {
  yield* client.recv(1) // waits for a byte, then closes
}

function* main(): Operation<void> {
  const sock = tcpServerSocket('127.0.0.1', 0)
  const [, port] = sock.getsockname() as [string, number]
  const server = yield* spawn(runServer(sock, quiet))

  // A timed-out recv has taken nothing: the bytes go to the next recv.
  const conn = yield* openConnection('127.0.0.1', port)
  const timedOut = yield* ignoreAfter(20, conn.recv(100), { timeoutResult: 'timed out' })
  console.log('recv:', timedOut)

  // One reader at a time: a second one is refused at once.
  const reader = yield* spawn(conn.recv(100))
  yield* schedule() // let it start waiting
  try {
    yield* conn.recv(100)
  } catch (error) {
    if (error instanceof ReadResourceBusy) console.log('second reader: ReadResourceBusy')
  }
  yield* conn.sendall(Buffer.from('x')) // the server closes: the first reader gets end of stream
  console.log('first reader got', (yield* reader.join()).length, 'bytes (end of stream)')

  // After close(), every call throws EBADF.
  conn.close()
  try {
    yield* conn.recv(100)
  } catch (error) {
    console.log('recv after close:', (error as NodeJS.ErrnoException).code)
  }

  // Nothing listening: ECONNREFUSED.
  yield* server.cancel()
  try {
    yield* openConnection('127.0.0.1', port)
  } catch (error) {
    console.log('connect to a closed port:', (error as NodeJS.ErrnoException).code)
  }
}

await run(main)

// Output:
// recv: timed out
// second reader: ReadResourceBusy
// first reader got 0 bytes (end of stream)
// recv after close: EBADF
// connect to a closed port: ECONNREFUSED
