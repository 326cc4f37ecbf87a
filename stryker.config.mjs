// Mutation testing of the hot-swap engine and the dev server's HMR pipeline: `pnpm test:mutation`
// (slow and CPU-heavy, so not part of `pnpm test`). MUTATE=client or MUTATE=server runs one half.
const scopes = {
  client: [
    'packages/client/src/{host,graph,engine,sources}/**/*.ts',
    'packages/client/src/devtools/{history,failures}.ts',
    'packages/client/src/browser/{held-host-events,devtools-loader}.ts',
    '!packages/client/src/host/types.ts',
    '!packages/client/src/host/define-plugin.ts',
  ],
  server: [
    'packages/vite-plugin-hot-plugins/src/hmr/batcher.ts',
    'packages/vite-plugin-hot-plugins/src/hmr/owners.ts',
    'packages/vite-plugin-hot-plugins/src/hmr/compile-check.ts',
    'packages/vite-plugin-hot-plugins/src/hmr/final-content.ts',
    'packages/vite-plugin-hot-plugins/src/discovery/entry-set.ts',
    'packages/vite-plugin-hot-plugins/src/hmr/coalesced-runner.ts',
  ],
}
const scope = process.env.MUTATE ?? 'all'
if (scope !== 'all' && !(scope in scopes)) throw new Error(`MUTATE=${scope}: use client, server or leave it unset`)

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // pnpm does not hoist the runner next to Stryker's core, so it is named here.
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.config.ts' },
  mutate: scope === 'all' ? [...scopes.client, ...scopes.server] : scopes[scope],
  // Two shared cores: one test runner at a time.
  concurrency: 1,
  coverageAnalysis: 'perTest',
  // Mutants in code that runs when a module loads would need every test file for each: skipped.
  ignoreStatic: true,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // Later runs test again only the mutants whose code or tests changed.
  incremental: true,
  incrementalFile: `reports/mutation/${scope}-incremental.json`,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['playground-temp', 'bench/.work', 'test-results', 'reports', 'e2e', 'playground', 'bench'],
}
