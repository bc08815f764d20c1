// A small `wc`: lines, words and bytes of each file named, or of stdin when none is, read line
// by line with curio streams (aopen for files, stdin for the terminal or a pipe).
// Run: node --conditions=@curio/source --import tsx examples/wc.ts [file...]
//  or: printf 'a b\nc\n' | node --conditions=@curio/source --import tsx examples/wc.ts
import { aopen, type FileStream, type StdStream, stdin, stdout } from '@curio/io'
import { type Operation, run } from '@curio/kernel'
import { isMain } from './is-main.js'

export interface Counts {
  lines: number
  words: number
  bytes: number
}

export function* count(stream: FileStream | StdStream): Operation<Counts> {
  const counts = { lines: 0, words: 0, bytes: 0 }
  yield* stream.eachLine((line) => {
    if (line.at(-1) === 0x0a) counts.lines++
    counts.words += line.toString().split(/\s+/).filter(Boolean).length
    counts.bytes += line.length
  })
  return counts
}

function format({ lines, words, bytes }: Counts, name: string): string {
  return `${[lines, words, bytes].map((n) => String(n).padStart(7)).join(' ')} ${name}`.trimEnd()
}

export function* wc(files: string[]): Operation<void> {
  const report: string[] = []
  if (files.length === 0) report.push(format(yield* count(stdin), ''))
  const total = { lines: 0, words: 0, bytes: 0 }
  for (const file of files) {
    using f = yield* aopen(file, 'rb')
    const counts = yield* count(f)
    report.push(format(counts, file))
    total.lines += counts.lines
    total.words += counts.words
    total.bytes += counts.bytes
  }
  if (files.length > 1) report.push(format(total, 'total'))
  yield* stdout.write(Buffer.from(`${report.join('\n')}\n`))
}

if (isMain(import.meta.url)) {
  try {
    await run(wc(process.argv.slice(2)))
  } catch (error) {
    // Node's own message: "ENOENT: no such file or directory, open 'x'".
    console.error(`wc: ${(error as Error).message}`)
    process.exitCode = 1
  }
}
