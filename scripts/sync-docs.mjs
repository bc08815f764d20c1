#!/usr/bin/env node
// Rewrites every `<!-- example: NAME -->` code block in docs/*.md with docs/examples/NAME as
// it is now (after formatting). docs/examples.test.ts fails when a page and a file disagree.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs')
const marker = /<!-- example: ([\w.-]+) -->\n```ts\n[\s\S]*?```/g
for (const page of readdirSync(docsDir).filter((f) => f.endsWith('.md'))) {
  const path = join(docsDir, page)
  const text = readFileSync(path, 'utf8')
  const synced = text.replace(
    marker,
    (_, file) =>
      `<!-- example: ${file} -->\n\`\`\`ts\n${readFileSync(join(docsDir, 'examples', file), 'utf8')}\`\`\``,
  )
  if (synced !== text) {
    writeFileSync(path, synced)
    console.log(`synced ${page}`)
  }
}
