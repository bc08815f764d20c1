// A curio server for Python clients, over Python's own multiprocessing.connection protocol:
// each message is a piece of text (UTF-8 bytes), each answer the JSON word counts of that
// piece. channel_client.py merges them. Both sides authenticate with the shared key.
// Run: node --conditions=@curio/source --import tsx examples/channel_server.ts [port]
// then: python3 examples/channel_client.py 127.0.0.1:30000 < README.md
import { Channel, type Connection, EOFError } from '@curio/io'
import { type Operation, run, spawn } from '@curio/kernel'
import { isMain } from './is-main.js'

export const AUTHKEY = 'peekaboo'

/** Answer each message with `{ word: count }` of the words in it, until the client is done. */
export function* countWords(conn: Connection): Operation<void> {
  for (;;) {
    let text: string
    try {
      text = Buffer.from(yield* conn.recvBytes()).toString()
    } catch (error) {
      if (error instanceof EOFError) return
      throw error
    }
    const counts: Record<string, number> = {}
    for (const word of text.toLowerCase().match(/[\p{L}']+/gu) ?? []) counts[word] = (counts[word] ?? 0) + 1
    yield* conn.sendBytes(Buffer.from(JSON.stringify(counts)))
  }
}

/** Serve every client that knows the key, each in its own task. */
export function* wordCountServer(channel: Channel): Operation<never> {
  for (;;) {
    const conn = yield* channel.accept({ authkey: AUTHKEY })
    console.log('Connection from', conn.address)
    yield* spawn(function* () {
      try {
        yield* countWords(conn)
      } finally {
        conn.close()
      }
    })
  }
}

if (isMain(import.meta.url)) {
  await run(wordCountServer(new Channel(['127.0.0.1', Number(process.argv[2] ?? 30000)])))
}
