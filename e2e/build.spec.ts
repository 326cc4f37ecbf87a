import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { buildAndPreview, copyPlayground } from './playground'

// Strings that exist only in the dev-only hot-reload runtime, its devtools, or what the dev server injects.
const DEV_ONLY = [
  'hot-plugins:update',
  'hot-plugins:result',
  'vite:beforeUpdate',
  '__hotPlugin',
  'import.meta.hot',
  '/@vite/client',
  'handling a hot update failed',
  'the new version has no activate() export',
  'its state was dropped',
  // The devtools (@hot-plugins/client/devtools): panel, notice, history.
  'hot-plugins-devtools',
  'hot-plugins-history.json',
  'kept its old version',
  'the devtools panel could not be loaded',
  // The leak report (browser/leaks, leaks/): patches, tracker, sentences.
  'after its teardown',
  'started here',
  'animation frame request',
]

/** Strings of `@hot-plugins/client/feed` and of the engine it brings. */
const FEED_ONLY = ['does not match its integrity', 'hot-plugins:feed:', "leads out of the feed's folder", 'handling a hot update failed']

test('vite build ships the plugins and none of the hot-reload runtime or injected code', async ({ page }) => {
  const copy = await copyPlayground('build')
  try {
    await buildAndPreview(copy.root, async (url) => {
      const outDir = path.join(copy.root, 'dist')
      const files = (await readdir(outDir, { recursive: true })).filter((f) => f.endsWith('.js'))
      const code = (await Promise.all(files.map((f) => readFile(path.join(outDir, f), 'utf8')))).join('\n')
      expect(code).toContain('clicks') // the counter plugin's code is there
      for (const marker of DEV_ONLY) expect(code, `build output contains ${JSON.stringify(marker)}`).not.toContain(marker)
      // An app that does not follow a feed carries none of @hot-plugins/client/feed (nor the engine it brings).
      for (const marker of FEED_ONLY) expect(code, `build output contains ${JSON.stringify(marker)}`).not.toContain(marker)

      // And the production app runs its plugins.
      await page.goto(url)
      await page.getByTestId('counter-button').click()
      await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
      await expect(page.getByTestId('notes-text')).toBeVisible()
      await expect(page.getByTestId('clock-ticks')).toHaveText(/ticks$/)
      await page.getByTestId('react-add').click()
      await expect(page.getByTestId('react-count')).toHaveText('1')
      await expect(page.getByTestId('vue-label')).toHaveText('To do')
    })
  } finally {
    await copy.remove()
  }
})
