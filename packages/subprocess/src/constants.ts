/** `stdin`/`stdout`/`stderr: PIPE`: a pipe the parent reads or writes through a stream. */
export const PIPE = 'pipe' as const

/** `stdin`/`stdout`/`stderr: DEVNULL`: the child's descriptor is connected to `/dev/null`. */
export const DEVNULL = 'ignore' as const

/** `stderr: STDOUT`: the child's standard error goes wherever its standard output goes. */
export const STDOUT: unique symbol = Symbol('curio.subprocess.STDOUT')

/** Where one of the child's standard descriptors goes. */
export type StdioOption = 'pipe' | 'inherit' | 'ignore'

/** Where the child's standard error goes: like the others, or merged into standard output. */
export type StderrOption = StdioOption | typeof STDOUT
