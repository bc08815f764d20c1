// The real OpenTelemetry packages over curio: spans started in child tasks have the span of
// their spawn site as parent, across socket waits and sleeps, with requests interleaving.
import { AF_INET, openConnection, SOCK_STREAM, type Socket, socket } from '@curio/io'
import { type Operation, run, sleep, spawn, type Task } from '@curio/kernel'
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const manager = new AsyncLocalStorageContextManager()
const tracer = provider.getTracer('curio-test')

beforeAll(() => {
  context.setGlobalContextManager(manager.enable())
})
afterAll(() => {
  context.disable()
})

/** Spawn `body` with a new span active at the spawn site; the span ends with the task. */
function* spawnInSpan(name: string, body: () => Operation<void>): Operation<Task<void>> {
  const span = tracer.startSpan(name)
  return yield* context.with(trace.setSpan(context.active(), span), () =>
    spawn(function* () {
      try {
        yield* body()
      } finally {
        span.end()
      }
    }),
  )
}

function* child(label: string, conn: Socket): Operation<void> {
  yield* sleep(2)
  const span = tracer.startSpan(`${label} child`)
  yield* conn.recv(100) // woken by the socket
  span.end()
}

describe('OpenTelemetry context across curio tasks', () => {
  it('child spans have their spawn site span as parent, across sockets and sleeps', async () => {
    exporter.reset()
    await run(function* () {
      const server = socket(AF_INET, SOCK_STREAM)
      server.bind(['127.0.0.1', 0])
      server.listen()
      const port = (server.getsockname() as [string, number])[1]
      const handlers: Task<void>[] = []
      const clients: Task<void>[] = []
      for (const label of ['r1', 'r2', 'r3']) {
        clients.push(
          yield* spawn(function* () {
            const conn = yield* openConnection('127.0.0.1', port)
            yield* sleep(5)
            yield* conn.sendall(new TextEncoder().encode(label))
            conn.close()
          }),
        )
        const [conn] = yield* server.accept()
        handlers.push(
          yield* spawnInSpan(`request ${label}`, function* () {
            const span = tracer.startSpan(`${label} handler`) // a span of the request's task itself
            const t = yield* spawn(child(label, conn))
            yield* t.join()
            span.end()
            conn.close()
          }),
        )
      }
      for (const t of [...handlers, ...clients]) yield* t.join()
      server.close()
    })
    const spans = exporter.getFinishedSpans()
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]))
    const parentOf = (name: string) => {
      const span = spans.find((s) => s.name === name)!
      return byId.get(span.parentSpanContext?.spanId ?? '')?.name ?? '(root)'
    }
    for (const label of ['r1', 'r2', 'r3']) {
      expect(parentOf(`request ${label}`)).toBe('(root)')
      expect(parentOf(`${label} handler`)).toBe(`request ${label}`)
      expect(parentOf(`${label} child`)).toBe(`request ${label}`)
    }
    expect(spans).toHaveLength(9)
  })

  it('promise code a task starts sees the active span too', async () => {
    exporter.reset()
    const { call } = await import('@curio/kernel')
    await run(function* () {
      const t = yield* spawnInSpan('outer', function* () {
        yield* call(async () => {
          await new Promise((r) => setTimeout(r, 1))
          tracer.startSpan('inside promise code').end()
        })
      })
      yield* t.join()
    })
    const spans = exporter.getFinishedSpans()
    const outer = spans.find((s) => s.name === 'outer')!
    const inner = spans.find((s) => s.name === 'inside promise code')!
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId)
  })
})
