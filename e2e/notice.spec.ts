import AxeBuilder from '@axe-core/playwright'
import { expect, test, type App } from './fixtures'

const COUNTER = 'src/plugins/counter/index.ts'
const DEVTOOLS_TAG = 'hot-plugins-devtools'
const THROW_IN_ACTIVATE = "  ctx.setTitle('Counter')\n  throw new Error('<b>bold</b> broken')"

function devtools(app: App) {
  const { page } = app
  return {
    badge: page.getByTestId('hp-badge'),
    count: page.getByTestId('hp-badge-count'),
    panel: page.getByTestId('hp-panel'),
    notice: page.getByTestId('hp-notice'),
    line: (id: string) => page.locator(`[data-testid="hp-notice-line"][data-plugin="${id}"]`),
    dismiss: page.getByTestId('hp-notice-dismiss'),
  }
}

/** The app's controls whose centre is covered by something else (the devtools, say): none, ideally. */
function coveredControls(app: App): Promise<string[]> {
  return app.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#app button, #app input, #app textarea')].flatMap((control) => {
      const box = control.getBoundingClientRect()
      const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
      return top === control || control.contains(top) ? [] : [`${control.dataset.testid ?? control.outerHTML} under ${top?.tagName}`]
    }),
  )
}

/** Serious and critical accessibility violations inside the devtools element (shadow root included). */
async function seriousViolations(app: App): Promise<string[]> {
  const results = await new AxeBuilder({ page: app.page }).include(DEVTOOLS_TAG).analyze()
  // The scan did look into the shadow root.
  expect(results.passes.flatMap((rule) => rule.nodes).some((node) => JSON.stringify(node.target).includes(DEVTOOLS_TAG))).toBe(true)
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')})`)
}

async function failures(app: App, id: string): Promise<number> {
  return (await app.events('reload-failed', id)).length
}

test('a failed save shows a notice naming the plugin and the error, without the panel, over none of the app', async ({ app }, testInfo) => {
  const { page } = app
  const d = devtools(app)
  for (let i = 0; i < 2; i++) await page.getByTestId('counter-button').click()
  await expect(d.badge).toHaveAccessibleName('hot-plugins, devtools panel')
  await expect(d.notice).toBeHidden()
  const notes = page.getByTestId('notes-text')
  await notes.click()
  await page.keyboard.type('before')

  await app.edit(COUNTER, "  ctx.setTitle('Counter')", THROW_IN_ACTIVATE)
  await expect.poll(() => failures(app, 'counter')).toBe(1)

  await expect(d.notice).toBeVisible()
  await expect(d.panel).toBeHidden()
  await expect(d.line('counter')).toHaveText('counter rolled back: activate() threw: <b>bold</b> broken')
  expect(await page.locator(DEVTOOLS_TAG).evaluate((host) => host.shadowRoot!.querySelectorAll('b').length)).toBe(0)
  await expect(d.count).toHaveText('1 failed')
  await expect(d.badge).toHaveAccessibleName('hot-plugins 1 failed, devtools panel')
  await page.screenshot({ path: testInfo.outputPath('failure-notice.png') })

  // It took neither focus nor keys, and it sits over none of the app's controls, which still work.
  await expect(notes).toBeFocused()
  await page.keyboard.type(' after')
  await expect(notes).toHaveValue('before after')
  expect(await coveredControls(app)).toEqual([])
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  // Its host element spans the notice and the badge below it, but takes clicks only on those two.
  const beside = await page.locator(DEVTOOLS_TAG).evaluate((host) => {
    const root = host.shadowRoot!
    const outer = host.getBoundingClientRect()
    const badge = root.querySelector('.badge')!.getBoundingClientRect()
    const x = outer.left + 2
    const y = badge.top + badge.height / 2
    return { inHost: x < badge.left, hit: document.elementFromPoint(x, y)?.tagName.toLowerCase() }
  })
  expect(beside.inHost, 'the notice is wider than the badge').toBe(true)
  expect(beside.hit).not.toBe(DEVTOOLS_TAG)
  expect(await seriousViolations(app)).toEqual([])

  // Dismissed, it goes; the badge still counts the failure. A newer failure shows again.
  await d.dismiss.click()
  await expect(d.notice).toBeHidden()
  await expect(d.count).toHaveText('1 failed')
  await app.edit(COUNTER, 'bold</b> broken', 'bold</b> broken again')
  await expect.poll(() => failures(app, 'counter')).toBe(2)
  await expect(d.line('counter')).toContainText('activate() threw: <b>bold</b> broken again')

  // The next good save of the plugin clears it.
  await app.edit(COUNTER, THROW_IN_ACTIVATE.replace('broken', 'broken again'), "  ctx.setTitle('Counter')")
  await app.waitForReloads('counter', 1)
  await expect(d.notice).toBeHidden()
  await expect(d.count).toHaveText('')
  await expect(d.badge).toHaveAccessibleName('hot-plugins, devtools panel')
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  await app.expectNoPageReload()
})

test('a compile error: the notice says the old version runs, the error first; the history shows the code frame preformatted', async ({ app }, testInfo) => {
  const { page } = app
  const d = devtools(app)
  const good = await app.read(COUNTER)
  await app.edit(COUNTER, 'export function getReloadState() {', 'export function getReloadState() {{{')
  await expect.poll(() => failures(app, 'counter')).toBe(1)
  // The compiler's error first, then where: not cut off after the dev server's lead-in.
  await expect(d.line('counter')).toHaveText(/^counter kept its old version: \[PARSE_ERROR\] .+ \(src\/plugins\/counter\/index\.ts:\d+:\d+ does not compile\)$/)
  // Vite's error overlay covers the page meanwhile; the devtools stay above it.
  await expect(page.locator('vite-error-overlay')).toHaveCount(1)

  // "Details" opens the history; the notice makes way for the panel.
  await d.notice.getByRole('button', { name: 'Details' }).click()
  await expect(d.panel).toBeVisible()
  await expect(d.notice).toBeHidden()
  const entry = page.getByTestId('hp-history-entry').first()
  await expect(entry.getByTestId('hp-outcome')).toHaveText('kept old version')
  await entry.getByTestId('hp-error').locator('summary').click()
  const frame = entry.getByTestId('hp-frame')
  await expect(frame).toBeVisible()
  const look = await frame.evaluate((pre) => {
    const style = getComputedStyle(pre)
    return { whiteSpace: style.whiteSpace, font: style.fontFamily, overflowX: style.overflowX, text: pre.textContent ?? '' }
  })
  expect(look).toMatchObject({ whiteSpace: 'pre', overflowX: 'auto' })
  expect(look.font).toContain('monospace')
  // Line by line, as the terminal shows it, the broken line among them, and no terminal colours.
  expect(look.text.split('\n').length).toBeGreaterThan(3)
  expect(look.text).toMatch(/getReloadState\(\) \{\{\{/)
  expect(look.text).not.toContain('\u001b')
  await page.screenshot({ path: testInfo.outputPath('compile-error-frame.png') })
  expect(entry.getByTestId('hp-stack')).toHaveCount(0)

  await page.getByRole('tab', { name: 'Plugins' }).click()
  await expect(page.locator('[data-testid="hp-plugin-row"][data-plugin="counter"]').getByTestId('hp-plugin-status')).toHaveText('kept old version')
  expect(await seriousViolations(app)).toEqual([])
  await page.getByRole('tab', { name: 'History' }).click()
  expect(await seriousViolations(app)).toEqual([])

  await app.write(COUNTER, good.replace("const label = 'Count'", "const label = 'Fixed'"))
  await app.waitForReloads('counter', 1)
  await page.getByRole('button', { name: 'Close' }).click()
  await expect(d.notice).toBeHidden()
  await expect(d.count).toHaveText('')
  await app.expectNoPageReload()
})

test('a plugin that cannot start is named in the notice until a save starts it', async ({ app }) => {
  const d = devtools(app)
  const broken = 'src/plugins/broken/index.ts'
  await app.write(broken, "export function activate() {\n  throw new Error('no start')\n}\n")
  await expect.poll(async () => (await app.events('plugin-failed', 'broken')).length).toBe(1)
  await expect(d.line('broken')).toHaveText('broken is not running: activate() threw: no start')
  await app.write(broken, 'export function activate() {}\n')
  await expect.poll(async () => (await app.events('plugin-activated', 'broken')).length).toBe(1)
  await expect(d.notice).toBeHidden()
  await app.expectNoPageReload()
})

test('a plugin that fails while the page loads, before the devtools module arrives, is in the notice and the history', async ({ app }) => {
  const { page } = app
  const d = devtools(app)
  const broken = 'src/plugins/broken/index.ts'
  await app.write(broken, "export function activate() {\n  throw new Error('no start')\n}\n")
  await expect(d.line('broken')).toHaveText('broken is not running: activate() threw: no start')
  // On the next load, the devtools module is held back until the plugin has failed.
  const failedAgain = page.waitForEvent('console', { predicate: (m) => m.text().includes('activate() threw: no start') })
  let held = false
  await page.route(/\/devtools\/index\.js(\?|$)/, async (route) => {
    held = true
    await failedAgain
    await route.continue()
  })
  await app.open()
  await expect.poll(() => held).toBe(true)
  await expect(d.line('broken')).toHaveText('broken is not running: activate() threw: no start')
  await expect(d.count).toHaveText('1 failed')
  await d.badge.click()
  // One entry from before the reload (the history survives it), one from this load.
  await expect(page.locator('[data-testid="hp-history-entry"][data-plugin="broken"]')).toHaveCount(2)
})

test.describe('with overlay: false', () => {
  test.use({ hotPluginsOptions: 'overlay: false' })

  test('a failed save mounts no notice', async ({ app }) => {
    await app.edit(COUNTER, "  ctx.setTitle('Counter')", THROW_IN_ACTIVATE)
    await expect.poll(() => failures(app, 'counter')).toBe(1)
    await expect(app.page.locator(DEVTOOLS_TAG)).toHaveCount(0)
    await expect(app.page.getByTestId('hp-notice')).toHaveCount(0)
  })
})
