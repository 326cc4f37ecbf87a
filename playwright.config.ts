import { existsSync } from 'node:fs'
import { defineConfig } from '@playwright/test'
import type { EngineName } from './e2e/engines/engine-page'

// Debian's Chromium by default; CHROMIUM_PATH picks another binary. Browsers are never downloaded.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// Every spec runs in Chromium; the cross-engine specs of e2e/engines/ run in Firefox and WebKit too,
// each driven through its own WebDriver (e2e/engines/engine-page.ts).
const otherEngine = (engine: EngineName) => ({ name: engine, testMatch: /engines[\\/].*\.spec\.ts$/, use: { engine } })

export default defineConfig<{ engine: EngineName }>({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Every test runs its own dev server on a copy of the playground; two cores fit one at a time
  // without starving the file watcher.
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  projects: [{ name: 'chromium' }, otherEngine('firefox'), otherEngine('webkit')],
  use: {
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: existsSync(chromiumPath) ? chromiumPath : undefined,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
})
