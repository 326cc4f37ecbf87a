import { expect, test } from './fixtures'
import { copyPlayground } from './playground'

// The playground with Vite DevTools on (`devtools` in its vite.config.ts): hotPlugins() adds its
// dock entry, whose page lists the plugins and each reload; the in-page badge steps aside.

const PLUGINS = ['clock', 'counter', 'notes', 'preact-counter', 'react-counter', 'solid-counter', 'svelte-counter', 'theme', 'vue-todos']

test.use({
  appCopy: {
    async make(name) {
      const copy = await copyPlayground(name)
      // Client authentication off: a test browser cannot answer Vite DevTools' trust prompt.
      await copy.edit('vite.config.ts', 'server: { port: 5173 },', 'server: { port: 5173 },\n  devtools: { clientAuth: false },')
      return copy
    },
  },
})

test('Vite DevTools has a "Hot plugins" dock that lists the plugins and a swap; the badge steps aside', async ({ app }) => {
  const { page } = app
  await page.getByTestId('counter-button').click() // before the dock's panel covers the page
  // The badge steps aside; the panel still opens with the shortcut.
  await expect(page.locator('hot-plugins-devtools')).toHaveCount(1)
  await expect(page.getByTestId('hp-badge')).toBeHidden()
  await page.keyboard.press('Alt+Shift+H')
  await expect(page.getByTestId('hp-panel')).toBeVisible()
  await page.keyboard.press('Alt+Shift+H')

  // Vite DevTools' dock (its own element, in its own shadow root) holds our entry; open it.
  const entry = page.locator('devframes-dock-embedded').getByRole('button', { name: 'Hot plugins' })
  await expect(entry).toHaveCount(1)
  await entry.dispatchEvent('click')
  const dock = page.frameLocator('iframe[src*="__hot-plugins/devtools/"]')
  const rows = dock.getByTestId('hp-dock-plugin')
  await expect.poll(() => rows.evaluateAll((all) => all.map((r) => (r as HTMLElement).dataset.plugin))).toEqual(PLUGINS)
  await expect(rows.filter({ hasText: 'counter' }).first()).toContainText('idle')

  await app.edit('src/plugins/counter/index.ts', "const label = 'Count'", "const label = 'Total'")
  await app.waitForReloads('counter', 1)
  const swap = dock.locator('[data-testid="hp-dock-entry"][data-plugin="counter"]')
  await expect(swap).toHaveCount(1)
  await expect(swap).toContainText('swapped')
  await expect(swap).toContainText('state kept')
  await expect(swap).toContainText('src/plugins/counter/index.ts')
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
  await app.expectNoPageReload()
})
