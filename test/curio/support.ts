// Shared by the ports of Curio's test modules: Curio's `kernel` fixture, on our terms.
import {
  type Address,
  type Event,
  type Operation,
  type OperationSource,
  openConnection,
  run,
  runServer,
  type Socket,
  spawn,
  tcpServerSocket,
} from 'curio'

/**
 * Curio's `kernel.run(main)` on a virtual clock: Curio's tests sleep for tenths of seconds to
 * order events; here the clock jumps, so the same order takes microseconds and cannot flake.
 */
export function vrun<T>(main: OperationSource<T>): Promise<T> {
  return run(main, { clock: 'virtual' })
}

/** Run `op`, which must throw; return what it threw (Curio's `pytest.raises`). */
export function* raises(op: Operation<unknown>): Operation<unknown> {
  try {
    yield* op
  } catch (error) {
    return error
  }
  throw new Error('expected an exception')
}

/**
 * Curio's `socketpair()`: two connected TCP sockets on 127.0.0.1 (Node has no socketpair;
 * a loopback connection behaves the same for these tests).
 */
export function* socketpair(): Operation<[Socket, Socket]> {
  const listener = tcpServerSocket('127.0.0.1', 0)
  try {
    const [host, port] = listener.getsockname() as [string, number]
    const a = yield* openConnection(host, port)
    const [b] = yield* listener.accept()
    return [a, b]
  } finally {
    listener.close()
  }
}

/**
 * The shape of Curio's stream tests: a server on a free port runs `handler` per connection,
 * `client` connects; once `done` is set the server is cancelled and the client joined.
 */
export function* serveOnce(
  handler: (client: Socket, addr: Address) => Operation<unknown>,
  client: (address: Address) => Operation<unknown>,
  done: Event,
): Operation<void> {
  const listener = tcpServerSocket('127.0.0.1', 0)
  const address = listener.getsockname()
  const serv = yield* spawn(() => runServer(listener, handler))
  const c = yield* spawn(() => client(address))
  yield* done.wait()
  yield* serv.cancel()
  yield* c.join()
}
