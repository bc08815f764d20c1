import { copyFile } from 'node:fs/promises'
import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base.js'

export default defineConfig({
  ...packageBuild,
  // `import.meta.url` in the CJS build: the worker entry is found relative to the module.
  shims: true,
  // The worker entry runs in threads and child processes that have no TypeScript loader:
  // it is plain JavaScript, shipped as it is beside the bundle.
  async onSuccess() {
    await copyFile('src/worker-entry.js', 'dist/worker-entry.js')
  },
})
