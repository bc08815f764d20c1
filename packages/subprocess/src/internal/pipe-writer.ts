import type { Writable } from 'node:stream'
import { type Operation, WaitQueue, WriteResourceBusy } from '@curio/kernel'
import { closedError, systemError } from './system-error.js'

/**
 * The write side of a child's pipe seen from tasks: writes are handed to Node and tracked
 * until Node reports them done, which is the backpressure.
 *
 * Discussion: a child that exits (or closes its standard input) makes the next write fail
 * with EPIPE. Node reports that as an `'error'` event, which would crash the process with no
 * listener; here it is recorded and thrown by the write (and every later one) instead.
 */
export class PipeWriter {
  private error: Error | undefined = undefined
  private closed = false
  private readonly writers = new WaitQueue({ external: true })
  private issued = 0
  private written = 0
  private failedFrom = Number.POSITIVE_INFINITY

  constructor(private readonly sink: Writable) {
    sink.on('error', this.onError)
    sink.on('close', this.onClose)
  }

  private readonly onError = (error: Error): void => {
    this.error ??= error
    this.writers.wakeAll()
  }

  private readonly onClose = (): void => {
    this.writers.wakeAll()
  }

  /** Node's callback for every write, in order. */
  private readonly onWritten = (error?: Error | null): void => {
    this.written++
    // A write cut short by the pipe's destruction is called back without an error: it did not
    // complete, and must not look as if it had.
    if (!error && this.sink.destroyed) error = this.brokenPipe('write')
    if (error) {
      this.error ??= error
      this.failedFrom = Math.min(this.failedFrom, this.written)
    }
    this.writers.wake(1)
  }

  private brokenPipe(syscall: string): Error {
    return this.error ?? systemError('EPIPE', syscall, 'the child no longer reads its standard input')
  }

  private check(syscall: string): void {
    if (this.closed) throw closedError(syscall)
    if (this.error !== undefined) throw this.error
    if (this.sink.destroyed || this.sink.writableEnded) throw this.brokenPipe(syscall)
    if (this.writers.length > 0) {
      throw new WriteResourceBusy('another task is already waiting to write to this pipe')
    }
  }

  /** Hand `list` to Node (in one system call when there are several) and wait until it took them. */
  *write(list: readonly Uint8Array[], syscall: string): Operation<void> {
    this.check(syscall)
    if (list.length === 0) return
    const sink = this.sink
    if (list.length > 1) sink.cork()
    for (const data of list) sink.write(data, this.onWritten)
    if (list.length > 1) sink.uncork()
    this.issued += list.length
    // Everything went to the OS at once: Node holds no reference to the data, no need to wait.
    if (sink.writableLength === 0 && !sink.destroyed) return
    yield* this.flush(syscall)
  }

  /** Wait until every write so far is done; throw if one failed. */
  *flush(syscall = 'flush'): Operation<void> {
    const ticket = this.issued
    while (this.written < ticket) {
      if (this.closed) throw closedError(syscall)
      if (this.writers.length > 0) {
        throw new WriteResourceBusy('another task is already waiting to write to this pipe')
      }
      yield* this.writers.suspend('WRITE_WAIT')
    }
    if (ticket >= this.failedFrom) throw this.error
  }

  /** Close without blocking: pending writes still go out, then the child sees end of file. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.writers.failAll(() => closedError('write'))
    if (!this.sink.destroyed) this.sink.end()
  }
}
