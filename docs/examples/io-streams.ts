import { IncompleteRead, openConnection, runServer, type Socket, tcpServerSocket } from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'

// A stream reads lines, exact byte counts, or everything; a short read is an IncompleteRead.
function* greeter(client: Socket): Operation<void> {
  using stream = client.asStream()
  yield* stream.writelines([Buffer.from('HELLO 2\n'), Buffer.from('hi'), Buffer.from('line one\nline two\n')])
  yield* stream.write(Buffer.from('the rest'))
}

function* main(): Operation<void> {
  const listening = tcpServerSocket('127.0.0.1', 0)
  const [, port] = listening.getsockname() as [string, number]
  const server = yield* spawn(runServer(listening, greeter))

  using stream = (yield* openConnection('127.0.0.1', port)).asStream()
  const header = (yield* stream.readline()).toString()
  console.log('header:', JSON.stringify(header))
  const size = Number(header.split(' ')[1])
  console.log('body:', (yield* stream.readExactly(size)).toString())
  console.log('line:', JSON.stringify((yield* stream.readline()).toString()))
  console.log('line:', JSON.stringify((yield* stream.readline()).toString()))
  try {
    yield* stream.readExactly(100)
  } catch (error) {
    if (!(error instanceof IncompleteRead)) throw error
    console.log(
      `IncompleteRead: ${error.partial.length} of ${error.expected} bytes:`,
      error.partial.toString(),
    )
  }
  console.log('at end of stream, read() gives', (yield* stream.read()).length, 'bytes')
  yield* server.cancel()
}

await run(main)

// Output:
// header: "HELLO 2\n"
// body: hi
// line: "line one\n"
// line: "line two\n"
// IncompleteRead: 8 of 100 bytes: the rest
// at end of stream, read() gives 0 bytes
