import { PassThrough, type Readable } from 'node:stream'

/**
 * One readable with every chunk of `sources` in arrival order (the child's standard error
 * merged into its output), ending when all of them have ended.
 *
 * Discussion: `pipe` carries backpressure back to each source, so when the stream reading
 * `merged` stops asking, the child's pipes fill and the child blocks; memory stays bounded.
 * Destroying `merged` (closing the stream) destroys the sources too, so a child still writing
 * gets EPIPE and no pipe is left open.
 */
export function merge(sources: readonly Readable[]): Readable {
  const merged = new PassThrough()
  let open = sources.length
  for (const source of sources) {
    let ended = false
    const end = (): void => {
      if (ended) return
      ended = true
      if (--open === 0) merged.end()
    }
    source.pipe(merged, { end: false })
    source.on('end', end)
    // Nothing more can arrive after 'close', even when Node never emitted 'end'.
    source.on('close', end)
    source.on('error', (error) => merged.destroy(error))
  }
  merged.on('close', () => {
    for (const source of sources) source.destroy()
  })
  return merged
}
