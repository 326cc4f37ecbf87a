import { expect, test } from './fixtures'

test('swapping a plugin restarts its dependents against the new version, their state kept', async ({ app }) => {
  const { page } = app
  const notes = page.getByTestId('notes-text')
  await expect(notes).toHaveAttribute('data-accent', '#3559e0')
  await notes.fill('text typed before the theme changed')

  await app.edit('src/plugins/theme/index.ts', "const accent = '#3559e0'", "const accent = '#c2410c'")

  await expect(page.getByTestId('theme-accent')).toHaveText('accent #c2410c')
  // notes started again against the new theme: it shows the new accent and kept its text.
  await expect(notes).toHaveAttribute('data-accent', '#c2410c')
  await expect(notes).toHaveValue('text typed before the theme changed')
  const completed = await app.events('reload-completed')
  expect(completed.map((e) => e.id)).toEqual(['theme', 'notes'])
  expect(completed.find((e) => e.id === 'notes')?.stateKept).toBe(true)
  // Plugins that do not depend on the theme were left alone.
  expect((await app.events('reload-started')).map((e) => e.id)).toEqual(['theme', 'notes'])
  await app.expectNoPageReload()
})

test('the playground starts plugins in dependency order', async ({ app }) => {
  // The dashboard makes a plugin's panel when the plugin is activated, so panel order is start order.
  const panels = await app.page.locator('.panel').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.plugin))
  expect(panels.indexOf('theme')).toBeGreaterThanOrEqual(0)
  expect(panels.indexOf('theme')).toBeLessThan(panels.indexOf('notes'))
})
