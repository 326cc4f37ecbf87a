import { test as base } from '@playwright/test'
import { launchEngine, type EngineBrowser, type EngineName, type EnginePage } from './engine-page'

/**
 * The cross-engine specs (`e2e/engines/`): each runs in the project of every engine
 * (`playwright.config.ts`), through a tab of `EnginePage`, never Playwright's own `page`.
 */
export const test = base.extend<{ tab: EnginePage }, { engine: EngineName; engineBrowser: EngineBrowser }>({
  engine: ['chromium', { option: true, scope: 'worker' }],
  engineBrowser: [
    async ({ engine }, use) => {
      const browser = await launchEngine(engine)
      await use(browser)
      await browser.close()
    },
    { scope: 'worker' },
  ],
  tab: async ({ engineBrowser }, use) => {
    const tab = await engineBrowser.newPage()
    await use(tab)
    await tab.close()
  },
})

export { expect } from '@playwright/test'
