import { type Operation, run, sleep, spawn } from '@curio/kernel'
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'

// OpenTelemetry keeps the active span in an AsyncLocalStorage; curio runs every task in the
// context of its spawn site, so spans started in child tasks get the right parent.
const exporter = new InMemorySpanExporter()
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
)
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const tracer = trace.getTracer('shop')

/** Run `body` as a child task inside a new span: the span is active at the spawn site. */
function* traced<T>(name: string, body: () => Operation<T>): Operation<T> {
  const span = tracer.startSpan(name)
  const task = yield* context.with(trace.setSpan(context.active(), span), () => spawn(body))
  try {
    return yield* task.join()
  } finally {
    span.end()
  }
}

function* lookup(item: string): Operation<void> {
  const span = tracer.startSpan(`lookup ${item}`) // parent: whatever span is active here
  yield* sleep(item.length) // other requests run meanwhile
  span.end()
}

function* handle(request: string): Operation<void> {
  const first = yield* spawn(lookup(`${request}-stock`))
  const second = yield* spawn(lookup(`${request}-price`))
  yield* first.join()
  yield* second.join()
}

await run(function* () {
  // Two requests interleave in one kernel; each child's span still lands on its own request.
  const a = yield* spawn(traced('request A', () => handle('A')))
  const b = yield* spawn(traced('request B', () => handle('B')))
  yield* a.join()
  yield* b.join()
})

const spans = exporter.getFinishedSpans()
const names = new Map(spans.map((s) => [s.spanContext().spanId, s.name]))
for (const span of spans.sort((x, y) => x.name.localeCompare(y.name))) {
  console.log(span.name, '<-', names.get(span.parentSpanContext?.spanId ?? '') ?? '(root)')
}

// Output:
// lookup A-price <- request A
// lookup A-stock <- request A
// lookup B-price <- request B
// lookup B-stock <- request B
// request A <- (root)
// request B <- (root)
