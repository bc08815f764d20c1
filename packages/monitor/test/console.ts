import { connect, type Socket } from 'node:net'

const PROMPT = 'curio > '

/** A plain `node:net` client of the monitor: send a command, get the text before the next prompt. */
export class MonitorClient {
  private buffer = ''
  private waiting: (() => void) | undefined = undefined
  private ended = false
  readonly banner: Promise<string>

  private constructor(private readonly sock: Socket) {
    sock.setEncoding('utf8')
    sock.on('data', (chunk: string) => {
      this.buffer += chunk
      this.waiting?.()
    })
    sock.on('end', () => {
      this.ended = true
      this.waiting?.()
    })
    this.banner = this.untilPrompt()
  }

  static connect(port: number): Promise<MonitorClient> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port })
      sock.once('connect', () => resolve(new MonitorClient(sock)))
      sock.once('error', reject)
    })
  }

  /** Send one line; resolve with the answer (without the prompt that follows it). */
  async send(line: string): Promise<string> {
    await this.banner
    this.sock.write(`${line}\n`)
    return this.untilPrompt()
  }

  /** Send one line and read until the monitor closes the connection. */
  async sendAndEnd(line: string): Promise<string> {
    await this.banner
    this.sock.write(`${line}\n`)
    while (!this.ended) await new Promise<void>((r) => (this.waiting = r))
    const out = this.buffer
    this.buffer = ''
    return out
  }

  close(): void {
    this.sock.destroy()
  }

  private async untilPrompt(): Promise<string> {
    for (;;) {
      const at = this.buffer.indexOf(PROMPT)
      if (at >= 0) {
        const answer = this.buffer.slice(0, at)
        this.buffer = this.buffer.slice(at + PROMPT.length)
        return answer.replace(/\n$/, '')
      }
      if (this.ended) throw new Error(`connection ended before a prompt; got ${JSON.stringify(this.buffer)}`)
      await new Promise<void>((r) => (this.waiting = r))
    }
  }
}
