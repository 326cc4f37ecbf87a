import type { Response } from '@playwright/test'
import { EMPTY_MODULE } from '../packages/vite-plugin-hot-plugins/src/hmr/update-prefetch'
import { expect, test, type App } from './fixtures'

const COUNTER = 'src/plugins/counter/index.ts'
const FORMAT = 'src/plugins/counter/format.ts'

/** The responses the page gets for versions (`?t=…`) of these files, with their bodies. */
function versionsFetched(app: App, files: readonly string[]) {
  const fetched: { file: string; url: string; status: number; body: string }[] = []
  const record = async (response: Response) => {
    const url = new URL(response.url())
    const file = files.find((f) => url.pathname === `/${f}`)
    if (!file || !url.searchParams.has('t')) return
    fetched.push({ file, url: response.url(), status: response.status(), body: await response.text() })
  }
  app.page.on('response', (response) => void record(response))
  return fetched
}

/** Notes the URL of every module preload the page adds from now on; `preloaded` reads them. */
async function watchPreloads(app: App): Promise<void> {
  await app.page.evaluate(() => {
    const seen: string[] = ((window as unknown as { __preloads: string[] }).__preloads = [])
    new MutationObserver((records) => {
      for (const node of records.flatMap((r) => [...r.addedNodes])) if (node instanceof HTMLLinkElement && node.rel === 'modulepreload') seen.push(node.href)
    }).observe(document.head, { childList: true })
  })
}
const preloaded = (app: App) => app.page.evaluate(() => (window as unknown as { __preloads: string[] }).__preloads)

test("a saved plugin's new modules are fetched once, while the dev server checks them, and are what runs", async ({ app }) => {
  const { page } = app
  const fetched = versionsFetched(app, [COUNTER, FORMAT])
  await watchPreloads(app)
  await page.getByTestId('counter-button').click()

  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Total'")
  await expect(page.getByTestId('counter-label')).toHaveText('Total')
  await app.waitForReloads('counter', 1)
  // One request for the new version: fetched ahead, and Vite's import took it from the module map.
  await expect.poll(() => fetched.map((f) => [f.file, f.status])).toEqual([[COUNTER, 200]])
  expect(fetched[0]?.body).toContain('"Total"')
  // …by a module preload the page made for it.
  expect(await preloaded(app)).toEqual([fetched[0]?.url])

  // A helper: its new version and the entry that imports it, each fetched once.
  await app.edit(FORMAT, '`${count} clicks`', '`${count} taps`')
  await expect(page.getByTestId('counter-value')).toHaveText('1 taps')
  await app.waitForReloads('counter', 2)
  await expect.poll(() => fetched.slice(1).map((f) => f.file).sort()).toEqual([FORMAT, COUNTER].sort())
  expect((await preloaded(app)).slice(1).sort()).toEqual(fetched.slice(1).map((f) => f.url).sort())
  expect(fetched.every((f) => f.status === 200 && f.body !== EMPTY_MODULE)).toBe(true)
  await app.expectNoPageReload()
})

test('a save that does not compile: what the page fetched ahead is an empty module that never runs, no request fails, and the fix swaps', async ({ app }) => {
  const { page } = app
  const fetched = versionsFetched(app, [COUNTER])
  for (let i = 0; i < 2; i++) await page.getByTestId('counter-button').click()
  const good = await app.read(COUNTER)

  await app.edit(COUNTER, 'export function getReloadState() {', 'export function getReloadState() {{{')
  await expect.poll(async () => (await app.events('reload-failed', 'counter')).length).toBe(1)
  await expect.poll(() => fetched.map(({ url: _, ...rest }) => rest)).toEqual([{ file: COUNTER, status: 200, body: EMPTY_MODULE }])
  // Nothing of it ran, and the page's console has no failed request or update.
  expect(await app.events('reload-completed')).toEqual([])
  expect(app.console.filter((line) => /Failed to (load|reload|fetch)/.test(line))).toEqual([])
  // (Vite's error overlay covers the page: the click is dispatched.)
  await page.getByTestId('counter-button').dispatchEvent('click')
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')

  await app.write(COUNTER, good.replace("const label = 'Count'", "const label = 'Fixed'"))
  await expect(page.getByTestId('counter-label')).toHaveText('Fixed')
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  await expect.poll(() => fetched.map((f) => f.body.includes('"Fixed"'))).toEqual([false, true])
  await app.expectNoPageReload()
})
