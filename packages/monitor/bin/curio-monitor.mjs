#!/usr/bin/env node
// curio-monitor: connect to a curio program's monitor (`new Monitor()` in its activations)
// and relay this terminal to it: type `help` for the commands. With --web, print the address
// of its page in a browser (the program must run `new Monitor({ web: true })`).
import { connect } from 'node:net'

const usage = [
  'usage: curio-monitor [-H HOST] [-p PORT] [--web] [HOST:PORT]   (default 127.0.0.1:48802)',
  '  --web   print the address (with its token) of the live page in a browser, and exit',
].join('\n')

function parse(argv) {
  let host = '127.0.0.1'
  let port = 48802
  let web = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '-h' || arg === '--help') {
      console.log(usage)
      process.exit(0)
    } else if (arg === '-H' || arg === '--host') host = argv[++i] ?? host
    else if (arg === '-p' || arg === '--port') port = Number(argv[++i])
    else if (arg === '--web') web = true
    else if (/^[^-].*:\d+$/.test(arg)) {
      const at = arg.lastIndexOf(':')
      host = arg.slice(0, at)
      port = Number(arg.slice(at + 1))
    } else if (/^\d+$/.test(arg)) port = Number(arg)
    else {
      console.error(`curio-monitor: unexpected argument ${arg}\n${usage}`)
      process.exit(2)
    }
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`curio-monitor: bad port\n${usage}`)
    process.exit(2)
  }
  return { host, port, web }
}

/** Ask the console for the page's address (its `web` command), print it, and exit. */
function printWebUrl(sock) {
  let text = ''
  sock.setEncoding('utf8')
  sock.on('data', (chunk) => (text += chunk))
  sock.on('end', () => {
    const url = /open (http\S+)$/m.exec(text)
    if (url !== null) console.log(`open ${url[1]} in a browser`)
    else {
      console.error(`curio-monitor: ${/error: (.*)$/m.exec(text)?.[1] ?? 'no answer from the monitor'}`)
      process.exitCode = 1
    }
  })
  sock.end('web\nquit\n')
}

const { host, port, web } = parse(process.argv.slice(2))
const sock = connect({ host, port })
let last = ''
sock.on('connect', () => {
  if (web) return printWebUrl(sock)
  sock.on('data', (chunk) => {
    last = (last + chunk.toString('utf8')).slice(-4)
  })
  sock.pipe(process.stdout)
  // When our input ends (a pipe, or Ctrl-D) we half-close: the monitor answers what it has
  // read, then closes its side, and we exit.
  process.stdin.pipe(sock)
})
sock.on('error', (error) => {
  console.error(`curio-monitor: ${host}:${port}: ${error.message}`)
  process.exitCode = 1
})
sock.on('end', () => {
  if (web) return
  // After `quit` the monitor says bye; any other end means the program closed the session.
  if (last !== 'bye\n') process.stderr.write('\n(the program closed the connection)\n')
})
sock.on('close', () => process.exit())
