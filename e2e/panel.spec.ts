import { readFile } from 'node:fs/promises'
import { breakCounterUntilFallbackReload, expect, test, type App } from './fixtures'

const COUNTER = 'src/plugins/counter/index.ts'
const PANEL_TAG = 'hot-plugins-devtools'

function panel(app: App) {
  const { page } = app
  return {
    badge: page.getByTestId('hp-badge'),
    body: page.getByTestId('hp-panel'),
    entries: page.getByTestId('hp-history-entry'),
    tab: (name: 'Plugins' | 'History') => page.getByRole('tab', { name }),
  }
}

/** A module of the devtools entry (`@hot-plugins/client/devtools`, packages/client/dist/devtools/). */
const DEVTOOLS_MODULE = /\/devtools\/[^/?]+\.js(\?|$)/

/** Loads the page again and lists the devtools modules it requested, from the first byte on. */
async function devtoolsRequestsOfALoad(app: App): Promise<string[]> {
  const requested: string[] = []
  app.page.on('request', (request) => void (DEVTOOLS_MODULE.test(request.url()) && requested.push(new URL(request.url()).pathname)))
  await app.open()
  return requested
}

test('the devtools are their own modules, loaded on demand', async ({ app }) => {
  const requested = await devtoolsRequestsOfALoad(app)
  expect(requested.some((url) => url.endsWith('/devtools/index.js'))).toBe(true)
  await expect(panel(app).badge).toBeVisible()
})

test('the badge and Alt+Shift+H open the panel; a swap shows in the history with its outcome and duration', async ({ app }, testInfo) => {
  const { page } = app
  const p = panel(app)
  // Closed, only the badge shows.
  await expect(p.badge).toBeVisible()
  await expect(p.body).toBeHidden()

  await page.getByTestId('counter-button').click()
  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Total'")
  await app.waitForReloads('counter', 1)

  await p.badge.click()
  await expect(p.body).toBeVisible()
  const entry = p.entries.first()
  await expect(entry).toHaveAttribute('data-plugin', 'counter')
  await expect(entry.getByTestId('hp-outcome')).toHaveText('swapped')
  await expect(entry.getByTestId('hp-duration')).toHaveText(/^\d+ ms$/)
  await expect(entry).toContainText('state kept')
  await expect(entry).toContainText(COUNTER)
  // Where the time went, and how much state was handed over (counter keeps { count: 1 }: 18 bytes).
  await expect(entry.getByTestId('hp-phases')).toHaveText(/^import \d+ ms · teardown \d+ ms · activate \d+ ms · state restore \d+ ms · state 18 B$/)
  await expect(page.getByTestId('hp-chart').locator('span')).toHaveCount(1)
  await page.screenshot({ path: testInfo.outputPath('devtools-panel.png') })

  // The shortcut toggles it; the page's focus and other keys are left alone.
  await page.getByTestId('notes-text').click()
  await page.keyboard.press('Alt+Shift+H')
  await expect(p.body).toBeHidden()
  await page.keyboard.type('typed')
  await expect(page.getByTestId('notes-text')).toHaveValue(/typed$/)
  await page.keyboard.press('Alt+Shift+H')
  await expect(p.body).toBeVisible()
  await expect(page.getByTestId('notes-text')).toBeFocused()
  await app.expectNoPageReload()
})

test('a failed reload shows its error and stack, and markup in the message stays text', async ({ app }) => {
  const { page } = app
  const p = panel(app)
  const xss = '<img src=x onerror="window.__xss = 1">'
  await app.edit(COUNTER, "  ctx.setTitle('Counter')", `  ctx.setTitle('Counter')\n  throw new Error('${xss}')`)
  await expect.poll(async () => (await app.events('reload-failed', 'counter')).length).toBe(1)

  await p.badge.click()
  const entry = p.entries.first()
  await expect(entry).toHaveAttribute('data-outcome', 'rolled-back')
  const error = entry.getByTestId('hp-error')
  await expect(error.locator('summary')).toHaveText(`plugin "counter" (${COUNTER}): activate() threw: ${xss}`)
  await error.locator('summary').click()
  await expect(error.locator('pre')).toContainText(xss)
  await expect(error.locator('pre')).toContainText('/src/plugins/counter/index.ts')
  expect(await page.locator(PANEL_TAG).evaluate((host) => host.shadowRoot!.querySelectorAll('img').length)).toBe(0)
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
})

test('the history survives the fallback full reload and says why the page was reloaded', async ({ app }) => {
  const { page } = app
  const p = panel(app)
  await breakCounterUntilFallbackReload(app)

  await p.badge.click()
  const outcomes = () => p.entries.evaluateAll((items) => items.map((item) => item.getAttribute('data-outcome')))
  // Newest first: the counter running its last good version after the reload, the reload, three failures.
  await expect.poll(outcomes).toEqual(['last-good', 'full-reload', 'rolled-back', 'rolled-back', 'rolled-back'])
  await expect(p.entries.nth(1)).toContainText('plugin "counter" failed to reload 3 times in a row')

  await page.getByRole('button', { name: 'Clear' }).click()
  await expect(p.entries).toHaveCount(0)
})

test('"Reload now" swaps the plugin with its state; the switch turns its hot reload off and on', async ({ app }) => {
  const { page } = app
  const p = panel(app)
  for (let i = 0; i < 2; i++) await page.getByTestId('counter-button').click()
  await p.badge.click()
  await p.tab('Plugins').click()
  const row = page.locator('[data-testid="hp-plugin-row"][data-plugin="counter"]')
  await expect(row.getByTestId('hp-plugin-status')).toHaveText('idle')

  await page.getByRole('button', { name: 'Reload now: counter' }).click()
  await app.waitForReloads('counter', 1)
  await expect(page.getByTestId('counter-value')).toHaveText('2 clicks')
  await expect(row.locator('td').nth(3)).toHaveText('1')

  // Off: a save leaves the running version alone.
  await page.getByRole('checkbox', { name: 'hot reload counter' }).uncheck()
  await expect(row.getByTestId('hp-plugin-status')).toHaveText('disabled')
  const skipped = page.waitForEvent('console', (m) => m.text().includes('hot reload is off for plugin "counter"'))
  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Later'")
  await skipped
  await expect(page.getByTestId('counter-label')).toHaveText('Count')
  // On again: the skipped save is applied, state kept.
  await page.getByRole('checkbox', { name: 'hot reload counter' }).check()
  await expect(page.getByTestId('counter-label')).toHaveText('Later')
  await expect(page.getByTestId('counter-value')).toHaveText('2 clicks')
  await expect(row.getByTestId('hp-plugin-status')).toHaveText('idle')
  await app.expectNoPageReload()
})

test('the history exports as JSON', async ({ app }) => {
  const { page } = app
  const p = panel(app)
  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Export'")
  await app.waitForReloads('counter', 1)
  await p.badge.click()
  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Export JSON' }).click()
  const file = await (await download).path()
  const history = JSON.parse(await readFile(file, 'utf8')) as { plugin: string; outcome: string; files: string[] }[]
  expect(history).toMatchObject([{ plugin: 'counter', outcome: 'swapped', files: [COUNTER] }])
})

test.describe('with overlay: false', () => {
  test.use({ hotPluginsOptions: 'overlay: false' })

  test('no panel is mounted', async ({ app }) => {
    await app.edit(COUNTER, "const label = 'Count'", "const label = 'Quiet'")
    await app.waitForReloads('counter', 1)
    await expect(app.page.locator(PANEL_TAG)).toHaveCount(0)
  })

  test('none of the devtools code is fetched', async ({ app }) => {
    expect(await devtoolsRequestsOfALoad(app)).toEqual([])
    // The page runs its plugins all the same, and hot-swaps them.
    await app.edit(COUNTER, "const label = 'Count'", "const label = 'Quiet'")
    await app.waitForReloads('counter', 1)
    await expect(app.page.locator(PANEL_TAG)).toHaveCount(0)
  })
})

test.describe('with overlay: { position, open }', () => {
  test.use({ hotPluginsOptions: "overlay: { position: 'top-left', open: true }" })

  test('the panel starts open in the chosen corner', async ({ app }) => {
    await expect(panel(app).body).toBeVisible()
    const box = await app.page.getByTestId('hp-badge').boundingBox()
    expect(box?.x).toBeLessThan(50)
    expect(box?.y).toBeLessThan(50)
  })
})

test('a cascade is one history entry: the swapped plugin and its dependent, with the state handed over', async ({ app }) => {
  const { page } = app
  const p = panel(app)
  await page.getByTestId('notes-text').fill('kept')
  await app.edit('src/plugins/theme/index.ts', "const accent = '#3559e0'", "const accent = '#c2410c'")
  await app.waitForReloads('notes', 1)
  await p.badge.click()
  await expect(p.entries).toHaveCount(1)
  const entry = p.entries.first()
  await expect(entry.getByTestId('hp-plugins')).toHaveText('theme, notes')
  await expect(entry.getByTestId('hp-outcome')).toHaveText('swapped')
  await expect(entry).toContainText('src/plugins/theme/index.ts')
  await expect(entry.getByTestId('hp-phases')).toHaveText(/^import \d+ ms · teardown \d+ ms · activate \d+ ms · state restore \d+ ms · state \d+ B$/)
})
