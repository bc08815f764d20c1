import { awaitPromise, type Operation, run, spawn, WaitQueue } from '@curio/kernel'
import { Monitor } from '@curio/monitor'

// `web: true` serves the page on 127.0.0.1:48803; free ports (0) let this example run anywhere.
const monitor = new Monitor({ port: 0, web: { port: 0 } })

function* stuck(): Operation<void> {
  yield* new WaitQueue().suspend('STUCK_WAIT') // nothing will ever wake it
}

await run(
  function* main() {
    const task = yield* spawn(stuck)
    // The page's address, also printed to stderr: open it in a browser.
    const url = new URL(yield* awaitPromise(monitor.webUrl()))
    const token = url.searchParams.get('token')!
    console.log(`page on ${url.hostname}, token of ${token.length} characters`)

    // Every request needs the token; without it the monitor says no.
    const refused = yield* awaitPromise(fetch(new URL('/api/where?id=1', url)))
    console.log(refused.status, (yield* awaitPromise(refused.text())).trim())

    // What the page does when you click a task's `where`, then its Cancel button.
    const headers = { 'X-Curio-Token': token, Origin: url.origin, 'Content-Type': 'application/json' }
    const where = yield* awaitPromise(fetch(new URL(`/api/where?id=${task.id}`, url), { headers }))
    // The task, then its chain of frames, innermost first: here the first one is enough.
    console.log((yield* awaitPromise(where.text())).split('\n').slice(0, 2).join('\n'))
    const body = JSON.stringify({ id: task.id })
    const cancel = yield* awaitPromise(fetch(new URL('/api/cancel', url), { method: 'POST', headers, body }))
    console.log(yield* awaitPromise(cancel.json()))
    console.log(`cancelled: ${task.cancelled}`)
  },
  { debug: true, activations: [monitor] },
)

// Output:
// page on 127.0.0.1, token of 22 characters
// 401 refused: missing or wrong token (open the URL the program printed)
// task 4 (stuck) STUCK_WAIT
//   at examples/monitor-web.ts:8
// { ok: true, message: 'cancelled task 4 (stuck)' }
// cancelled: true
