import { defineConfig } from '@playwright/test'
import base from '../playwright.config'

// `pnpm bench`: the full benchmark, one long test, with the e2e tests' Chromium and launch flags.
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'bench.spec.ts',
  outputDir: '../test-results/bench',
  timeout: 20 * 60_000,
  // No tracing: it would record every page call of the measurement.
  use: { ...base.use, trace: 'off' },
})
