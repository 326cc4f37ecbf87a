import { expect, test } from './fixtures'

test('a stylesheet that belongs to no plugin hot-updates as in plain Vite; no plugin reloads', async ({ app }) => {
  const { page } = app
  await page.getByTestId('counter-button').click()

  await app.edit('src/style.css', 'background: #f4f6fa;', 'background: rgb(1, 2, 3);')

  await expect
    .poll(() => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor))
    .toBe('rgb(1, 2, 3)')
  expect(await app.events('reload-started')).toEqual([])
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
  await app.expectNoPageReload()
})

test('a host module with no HMR boundary reloads the page, as in plain Vite', async ({ app }) => {
  const { page } = app
  const reloaded = page.waitForEvent('load')

  await app.edit('src/host/about.ts', "'Plugin dashboard'", "'My dashboard'")

  await reloaded
  await expect(page.locator('h1')).toHaveText('My dashboard')
  expect(await page.evaluate(() => (window as { __pageMarker?: string }).__pageMarker)).toBeUndefined()
  // The plugins start again after the reload.
  await expect(page.getByTestId('counter-value')).toHaveText('0 clicks')
})
