// Two Node programs talking over a message channel: a worker that sums what it is sent, and
// a producer that sends it structured values (objects, Dates, Maps: anything structured
// clone takes). Run them as two processes:
//   node --conditions=@curio/source --import tsx examples/channel_node.ts worker /tmp/sum.sock
//   node --conditions=@curio/source --import tsx examples/channel_node.ts producer /tmp/sum.sock
import { Channel, type Connection } from '@curio/io'
import { type Operation, run } from '@curio/kernel'
import { isMain } from './is-main.js'

const AUTHKEY = 'shared secret'

/** One order: what the producer sends. */
export interface Order {
  item: string
  prices: Map<string, number>
  at: Date
}

/** Receive orders until `null`, answering each with the running total. */
export function* worker(conn: Connection): Operation<number> {
  let total = 0
  for (;;) {
    const order = (yield* conn.recv()) as Order | null
    if (order === null) return total
    for (const price of order.prices.values()) total += price
    yield* conn.send({ item: order.item, total })
  }
}

/** Send `orders`, then `null`; returns the last running total the worker sent. */
export function* producer(conn: Connection, orders: Order[]): Operation<number> {
  let total = 0
  for (const order of orders) {
    yield* conn.send(order)
    total = ((yield* conn.recv()) as { total: number }).total
  }
  yield* conn.send(null)
  return total
}

export const ORDERS: Order[] = [
  {
    item: 'tea',
    prices: new Map([
      ['cup', 2],
      ['pot', 5],
    ]),
    at: new Date('2026-01-01'),
  },
  { item: 'cake', prices: new Map([['slice', 3]]), at: new Date('2026-01-02') },
]

if (isMain(import.meta.url)) {
  const [role, path = '/tmp/curio-sum.sock'] = process.argv.slice(2)
  await run(function* () {
    using channel = new Channel(path)
    if (role === 'worker') {
      using conn = yield* channel.accept({ authkey: AUTHKEY })
      console.log('sum of everything:', yield* worker(conn))
    } else {
      using conn = yield* channel.connect({ authkey: AUTHKEY })
      console.log('the worker says:', yield* producer(conn, ORDERS))
    }
  })
}
