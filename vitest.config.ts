import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Tests run against TypeScript sources: each package exports `@curio/source` -> ./src/index.ts.
// Without vite's 'module' condition, which Node does not know: vitest hands the conditions to
// Node for external dependencies too, and packages whose `module` build has extensionless
// imports (@opentelemetry/*) then fail to load, where plain Node takes their working build.
const conditions = ['@curio/source', ...defaultServerConditions.filter((c) => c !== 'module')]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'docs/**/*.test.ts',
      'examples/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    typecheck: { enabled: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
})
