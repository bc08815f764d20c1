// The echo scale row's client, in its own process (its 10,000 sockets must not count against
// the server's memory, nor its file descriptors against the server's limit).
//
// Protocol over IPC: { port, conns, size } opens `conns` connections (at most 256 connecting at
// once, so the listen backlog never overflows), sends each a `size`-byte message of its own
// (its index, then filler) and checks every byte of every echo. Once all are verified, with every
// connection still open, it answers { verified, wrong }. Then { close: true } closes them all
// and it answers { closed } once every one has closed.
import { connect } from 'node:net'

const INFLIGHT = 256

function message(i, size) {
  const out = Buffer.alloc(size, 0x61 + (i % 26))
  out.write(`${i}:`, 0)
  out[size - 1] = 0x0a
  return out
}

function open({ port, conns, size }) {
  return new Promise((resolve, reject) => {
    const sockets = []
    let next = 0
    let verified = 0
    let wrong = 0
    const start = () => {
      const i = next++
      const expected = message(i, size)
      const sock = connect({ host: '127.0.0.1', port, noDelay: true })
      sockets.push(sock)
      const got = []
      let length = 0
      sock.on('error', reject)
      sock.on('connect', () => sock.write(expected))
      sock.on('data', (chunk) => {
        got.push(chunk)
        length += chunk.length
        if (length < size) return
        if (length !== size || !Buffer.concat(got).equals(expected)) wrong++
        verified++
        if (next < conns) start()
        if (verified === conns) resolve({ sockets, verified, wrong })
      })
    }
    for (let i = 0; i < Math.min(INFLIGHT, conns); i++) start()
  })
}

let sockets = []
process.on('message', async (job) => {
  if (job.close) {
    let open = sockets.length
    if (open === 0) process.send({ closed: 0 })
    for (const sock of sockets) {
      sock.on('close', () => {
        if (--open === 0) process.send({ closed: sockets.length })
      })
      sock.end()
    }
    return
  }
  try {
    const result = await open(job)
    sockets = result.sockets
    process.send({ verified: result.verified, wrong: result.wrong })
  } catch (error) {
    process.send({ error: String(error) })
  }
})
process.on('disconnect', () => process.exit(0))
