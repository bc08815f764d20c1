// The echo benchmark's load generator, in its own process so the server under test has the
// bench process (one core) to itself. Plain Node `net`, no library: it must never be the
// bottleneck (the C epoll row shows its ceiling).
//
// Protocol over IPC: the parent sends { host, port, conns, size, count, tls }; the generator opens
// `conns` connections, and once all are connected each one does request/response (send `size`
// bytes ending in "\n", wait for all of them to come back, repeat) until `count` messages were
// echoed in total. It answers { messages, seconds } (time from first send to last reply).
// With `tls`, the connections are `node:tls` ones (any certificate accepted: the bench makes a
// throwaway one), and the clock starts once every handshake is done.
import { connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'

function runJob({ host, port, path, conns, size, count, tls }) {
  const message = Buffer.alloc(size, 0x78)
  message[size - 1] = 0x0a
  return new Promise((resolve, reject) => {
    const sockets = []
    let connected = 0
    let sent = 0
    let echoed = 0
    let started = 0
    const send = (sock) => {
      sent++
      sock.write(message)
    }
    const finish = () => {
      const seconds = (performance.now() - started) / 1000
      for (const sock of sockets) sock.destroy()
      resolve({ messages: echoed, seconds })
    }
    for (let i = 0; i < conns; i++) {
      const sock = tls
        ? tlsConnect({ host, port, noDelay: true, rejectUnauthorized: false })
        : connect(path !== undefined ? { path } : { host, port, noDelay: true })
      sockets.push(sock)
      let pending = 0
      sock.on(tls ? 'secureConnect' : 'connect', () => {
        if (++connected < conns) return
        started = performance.now()
        for (const s of sockets) if (sent < count) send(s)
      })
      sock.on('data', (chunk) => {
        pending += chunk.length
        while (pending >= size) {
          pending -= size
          echoed++
          if (sent < count) send(sock)
          else if (echoed === count) finish()
        }
      })
      sock.on('error', reject)
    }
  })
}

process.on('message', (job) => {
  runJob(job).then(
    (result) => process.send(result),
    (error) => process.send({ error: String(error?.stack ?? error) }),
  )
})
process.on('disconnect', () => process.exit(0))
