import { Channel, ChannelError, type Connection, EOFError } from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'

// The server side of one client: values until `null`, then raw bytes until end of stream.
function* serve(conn: Connection): Operation<void> {
  for (;;) {
    const request = (yield* conn.recv()) as { op: 'sum' | 'max'; values: number[] } | null
    if (request === null) break
    const { op, values } = request
    yield* conn.send(op === 'sum' ? values.reduce((a, b) => a + b, 0) : Math.max(...values))
  }
  for (;;) {
    try {
      // A size limit rejects one message, not the stream: the next one still lines up.
      console.log('got:', Buffer.from(yield* conn.recvBytes(10)).toString())
    } catch (error) {
      if (error instanceof EOFError) break // the client closed its end
      if (!(error instanceof ChannelError)) throw error
      console.log('rejected:', error.message)
    }
  }
  console.log('the client is done')
}

function* main(): Operation<void> {
  // Port 0: bind() picks a free port and puts it in channel.address.
  using channel = new Channel(['127.0.0.1', 0])
  channel.bind()
  const server = yield* spawn(function* () {
    using conn = yield* channel.accept({ authkey: 'peekaboo' })
    yield* serve(conn)
  })

  using conn = yield* new Channel(channel.address).connect({ authkey: 'peekaboo' })
  yield* conn.send({ op: 'sum', values: [1, 2, 3] })
  console.log('sum:', yield* conn.recv())
  yield* conn.send({ op: 'max', values: [4, 9, 2] })
  console.log('max:', yield* conn.recv())
  yield* conn.send(null)

  // Bytes are what a Python peer sends and receives (send_bytes / recv_bytes).
  yield* conn.sendBytes(Buffer.from('a rather long message'))
  yield* conn.sendBytes(Buffer.from('short'))
  conn.close()
  yield* server.join()
}

await run(main)

// Output:
// sum: 6
// max: 9
// rejected: message of 21 bytes is longer than maxlength (10 bytes); it was dropped
// got: short
// the client is done
