import { expect, test } from './fixtures'

const COUNTER = 'src/plugins/counter/index.ts'

test('hot reload turned off for one plugin: saves do not swap it, a page reload gives the latest code, the setting survives', async ({ app }) => {
  const { page } = app
  await page.getByTestId('counter-button').click()
  await page.evaluate(() => (window as unknown as { pluginHost: { disable(id: string): void } }).pluginHost.disable('counter'))
  expect(await page.evaluate(() => (window as any).pluginHost.get('counter').status)).toBe('disabled')

  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Frozen?'")
  // Another plugin still swaps, so the edit above has been seen and skipped, not just not yet applied.
  await app.edit('src/plugins/clock/index.ts', "ctx.setTitle('Clock')", "ctx.setTitle('Clock!')")
  await app.waitForReloads('clock', 1)
  await expect(page.getByTestId('counter-label')).toHaveText('Count')
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
  expect(await app.events('reload-started', 'counter')).toEqual([])

  const reloaded = app.expectReload()
  await page.reload()
  await reloaded
  await expect(page.getByTestId('counter-label')).toHaveText('Frozen?')
  expect(await page.evaluate(() => (window as any).pluginHost.isHotReloadEnabled('counter'))).toBe(false)

  await page.evaluate(() => (window as any).pluginHost.enable('counter'))
  await app.edit(COUNTER, "const label = 'Frozen?'", "const label = 'Live again'")
  await expect(page.getByTestId('counter-label')).toHaveText('Live again')
})

test('hot reload turned off globally: no plugin swaps until it is turned on', async ({ app }) => {
  const { page } = app
  await page.evaluate(() => (window as any).pluginHost.setHotReloadEnabled(false))
  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Not yet'")
  await app.edit('src/plugins/clock/index.ts', "ctx.setTitle('Clock')", "ctx.setTitle('Clock!')")
  await expect.poll(() => app.console.filter((l) => l.includes('hot reload is off for plugin')).length).toBe(2)
  await expect(page.getByTestId('counter-label')).toHaveText('Count')

  await page.evaluate(() => (window as any).pluginHost.setHotReloadEnabled(true))
  await app.edit(COUNTER, "const label = 'Not yet'", "const label = 'Now'")
  await expect(page.getByTestId('counter-label')).toHaveText('Now')
  await app.expectNoPageReload()
})
