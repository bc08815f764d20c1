import { type IncomingHttpHeaders, request } from 'node:http'

/** An HTTP answer, read whole. */
export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** One request with exactly these headers (fetch would not let a test forge `Host`). */
export function http(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** A server-sent event: its name and parsed data. */
export interface FeedEvent {
  event: string
  data: any
}

/** A reader of `/api/events`: `next()` resolves with each event in turn. */
export class EventStream {
  private buffer = ''
  private readonly events: FeedEvent[] = []
  private waiting: (() => void) | undefined = undefined
  ended = false

  private constructor(private readonly close_: () => void) {}

  static open(port: number, headers: Record<string, string>): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/events', headers }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`))
        const stream = new EventStream(() => req.destroy())
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => stream.push(chunk))
        res.on('end', () => {
          stream.ended = true
          stream.waiting?.()
        })
        resolve(stream)
      })
      req.on('error', reject)
      req.end()
    })
  }

  /** The next event; rejects if the stream ends first. */
  async next(): Promise<FeedEvent> {
    for (;;) {
      const event = this.events.shift()
      if (event !== undefined) return event
      if (this.ended) throw new Error('the event stream ended')
      await new Promise<void>((r) => (this.waiting = r))
    }
  }

  /** Events until one satisfies `done`; returns that one. */
  async until(done: (e: FeedEvent) => boolean): Promise<FeedEvent> {
    for (;;) {
      const event = await this.next()
      if (done(event)) return event
    }
  }

  close(): void {
    this.close_()
  }

  private push(chunk: string): void {
    this.buffer += chunk
    let at = this.buffer.indexOf('\n\n')
    while (at >= 0) {
      const block = this.buffer.slice(0, at)
      this.buffer = this.buffer.slice(at + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (data !== undefined) this.events.push({ event, data: JSON.parse(data) })
      at = this.buffer.indexOf('\n\n')
    }
    this.waiting?.()
  }
}
