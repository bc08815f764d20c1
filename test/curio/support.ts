// Shared by the ports of Curio's test modules: Curio's `kernel` fixture, on our terms.
import {
  type Operation,
  type OperationSource,
  openConnection,
  run,
  type Socket,
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
