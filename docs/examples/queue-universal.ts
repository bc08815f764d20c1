import { EventEmitter } from 'node:events'
import { type Operation, run } from '@curio/kernel'
import { QueueClosed, UniversalQueue } from '@curio/queue'

// A UniversalQueue joins the two worlds: an event handler and an async function put into
// it, a task gets from it (and the other way round with getAsync).
const inbox = new UniversalQueue<string>()
const results = new UniversalQueue<string>()
const emitter = new EventEmitter()
emitter.on('message', (text: string) => inbox.putNowait(text))

async function client(): Promise<void> {
  emitter.emit('message', 'hello')
  await inbox.putAsync('from async code')
  emitter.emit('message', 'bye')
  inbox.close()
  for (;;) {
    try {
      console.log('client got', await results.getAsync())
    } catch (error) {
      if (error instanceof QueueClosed) break
      throw error
    }
  }
}

function* server(): Operation<void> {
  try {
    for (;;) yield* results.put((yield* inbox.get()).toUpperCase())
  } catch (error) {
    if (!(error instanceof QueueClosed)) throw error
  }
  results.close()
}

const done = client()
await run(server)
await done

// Output:
// client got HELLO
// client got FROM ASYNC CODE
// client got BYE
