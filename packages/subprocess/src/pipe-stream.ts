import type { NodeStream } from '@curio/io'

/**
 * A child's piped standard input, output or error: `@curio/io`'s `NodeStream` (the `Stream`
 * interface: `read`, `readExactly`, `readline`, `readlines`, `eachLine`, `write`, `writelines`,
 * `flush`, `close`). The name is kept for code written against earlier versions.
 */
export type PipeStream = NodeStream
