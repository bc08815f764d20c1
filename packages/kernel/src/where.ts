/**
 * Stack parsing for `task.where()`: the kernel's own frames are dropped, so what is left is
 * the chain of the user's `yield*` frames, innermost first.
 */
// The path starts the frame's location: at the start, after a space or after `(`. Unanchored,
// `node:internal/timers:483:5` matched from its middle as the file `/timers` (a monitor showed it).
const frameLocation = /(?:^|[\s(])((?:file:\/\/|\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?$/

function locationOf(line: string): string | undefined {
  const m = frameLocation.exec(line.trim())
  return m === null ? undefined : `${m[1]}:${m[2]}`
}

function kernelDir(): string {
  const here = new Error().stack?.split('\n')[1] ?? ''
  const loc = locationOf(here) ?? ''
  return loc.slice(0, Math.max(loc.lastIndexOf('/'), loc.lastIndexOf('\\')) + 1)
}

/**
 * Matches the code of every curio package (`<packages>/<name>/src|dist/`), not only the
 * kernel's: a task blocked in `sock.recv()` is waiting in the user's frame that called it,
 * not inside `@curio/io`. The packages sit side by side both in the repository
 * (`packages/io/src`) and once installed (`node_modules/@curio/io/dist`); their tests do not match.
 */
function packagesRoot(dir: string): string | undefined {
  return /^(.*[/\\])[^/\\]+[/\\](?:src|dist)[/\\]$/.exec(dir)?.[1]
}

function isLibraryCode(loc: string, root: string | undefined): boolean {
  return (
    root !== undefined &&
    loc.startsWith(root) &&
    /^[^/\\]+[/\\](?:src|dist)[/\\]/.test(loc.slice(root.length))
  )
}

let ownDir: string | undefined
let root: string | undefined

/** `file:line` of each user frame of a captured stack, innermost first. */
export function userFrames(stack: string): string[] {
  if (ownDir === undefined) {
    ownDir = kernelDir()
    root = packagesRoot(ownDir)
  }
  const frames: string[] = []
  for (const line of stack.split('\n').slice(1)) {
    const loc = locationOf(line)
    if (loc === undefined || loc.startsWith('node:') || (ownDir !== '' && loc.startsWith(ownDir))) continue
    if (isLibraryCode(loc, root)) continue
    frames.push(loc)
  }
  return frames
}

/** `file:line` of the innermost user frame of a captured stack. */
export function innermostUserFrame(stack: string): string | undefined {
  return userFrames(stack)[0]
}
