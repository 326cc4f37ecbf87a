import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // The playground's plugin tests use the test kit as an author would, by its package name; from
    // source here, so that unit tests need no build.
    alias: { '@hot-plugins/client/testing': fileURLToPath(new URL('packages/client/src/testing/index.ts', import.meta.url)) },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'playground/src/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
  },
})
