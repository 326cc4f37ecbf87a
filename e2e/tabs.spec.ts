import type { Page } from '@playwright/test'
import type { ControlStatus } from '../packages/client/src/protocol/index'
import { expect, savedStates, test, type App } from './fixtures'

const TAB_KEY = 'hot-plugins:tab'

/** Opens a second page the way a browser duplicates a tab: with a copy of the first one's sessionStorage. */
async function duplicate(app: App): Promise<Page> {
  const storage = await app.page.evaluate(() => Object.fromEntries(Object.entries(sessionStorage)))
  const copy = await app.page.context().newPage()
  // Only on its first load: its own reloads keep what it wrote since.
  await copy.addInitScript((entries) => {
    if (sessionStorage.getItem('e2e:duplicated') !== null) return
    sessionStorage.setItem('e2e:duplicated', '1')
    for (const [key, value] of Object.entries(entries)) sessionStorage.setItem(key, value)
  }, storage)
  await copy.goto(app.url)
  await running(copy)
  return copy
}

async function running(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(() => {
        const plugins = (window as unknown as { pluginHost?: { plugins(): { status: string }[] } }).pluginHost?.plugins() ?? []
        return plugins.length > 0 && plugins.every((p) => p.status === 'idle')
      }),
    )
    .toBe(true)
}

const tabId = (page: Page) => page.evaluate((key) => sessionStorage.getItem(key), TAB_KEY)

/** The tab ids the dev server's status API lists for a plugin, sorted. */
async function tabsRunning(app: App, id: string): Promise<string[]> {
  const answer = await app.page.request.get(new URL('__hot-plugins/status', app.url).href)
  const status = (await answer.json()) as ControlStatus
  return (status.plugins.find((plugin) => plugin.id === id)?.tabs.map((tab) => tab.tab) ?? []).sort()
}

async function click(page: Page, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await page.getByTestId('counter-button').click()
}

test.describe('with state: { restoreOnReload: "always" }', () => {
  test.use({ hotPluginsOptions: "state: { restoreOnReload: 'always' }" })

  test('a duplicated tab takes its own id and starts with a copy of the state; then each keeps its own', async ({ app }) => {
    const original = app.page
    await click(original, 3)
    await app.waitForSavedState('counter', { count: 3 })
    const originalId = await tabId(original)

    const copy = await duplicate(app)
    // It starts where the original was…
    await expect(copy.getByTestId('counter-value')).toHaveText('3 clicks')
    // …under an id of its own, in the page and in the dev server's status.
    await expect.poll(() => tabId(copy)).not.toBe(originalId)
    const copyId = await tabId(copy)
    expect(copyId).toBeTruthy()
    expect(await tabId(original)).toBe(originalId)
    await expect.poll(() => tabsRunning(app, 'counter')).toEqual([originalId, copyId].sort())

    // Each goes on with its own state, and gets its own back after a reload.
    await click(copy, 2)
    await click(original, 1)
    await expect.poll(async () => (await savedStates(original, 'counter')).sort()).toEqual(['{"count":4}', '{"count":5}'])
    await original.reload()
    await copy.reload()
    await running(original)
    await running(copy)
    await expect(original.getByTestId('counter-value')).toHaveText('4 clicks')
    await expect(copy.getByTestId('counter-value')).toHaveText('5 clicks')
    // A reload is no duplicate: both keep their ids.
    expect(await tabId(original)).toBe(originalId)
    expect(await tabId(copy)).toBe(copyId)
    await expect.poll(() => tabsRunning(app, 'counter')).toEqual([originalId, copyId].sort())
  })
})

test('after a reload the dev tools make, a duplicated tab and its original each get their own state back', async ({ app }) => {
  const original = app.page
  await click(original, 2)
  const copy = await duplicate(app)
  // By default a new page starts fresh, a duplicate too.
  await expect(copy.getByTestId('counter-value')).toHaveText('0 clicks')
  await expect.poll(() => tabsRunning(app, 'counter').then((tabs) => new Set(tabs).size)).toBe(2)
  await click(copy, 5)

  const copyReloaded = copy.waitForEvent('load')
  const reloaded = app.expectReload()
  const about = 'src/host/about.ts'
  await app.edit(about, "'Plugin dashboard'", "'Plugin dashboard!'")
  await reloaded
  await copyReloaded
  await running(copy)
  await expect(original.getByTestId('counter-value')).toHaveText('2 clicks')
  await expect(copy.getByTestId('counter-value')).toHaveText('5 clicks')
})

test("a tab the page opens itself, which Chromium gives a copy of the opener's sessionStorage, gets its own id too", async ({ app }) => {
  const openerId = await tabId(app.page)
  // What the new page's sessionStorage held before the runtime ran: the opener's id.
  await app.page.context().addInitScript((key) => {
    ;(window as unknown as { __startTab?: string | null }).__startTab = sessionStorage.getItem(key)
  }, TAB_KEY)
  const popup = app.page.waitForEvent('popup')
  await app.page.evaluate(() => void window.open(location.href))
  const opened = await popup
  await running(opened)
  expect(await opened.evaluate(() => (window as unknown as { __startTab?: string | null }).__startTab)).toBe(openerId)
  await expect.poll(() => tabId(opened)).not.toBe(openerId)
  expect(await tabId(app.page)).toBe(openerId)
  await expect.poll(() => tabsRunning(app, 'counter')).toEqual([openerId, await tabId(opened)].sort())
})
