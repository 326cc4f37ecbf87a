import type { APIResponse } from '@playwright/test'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ControlStatus } from '../packages/client/src/protocol/index'
import { expect, test, type App } from './fixtures'

const COUNTER = 'src/plugins/counter/index.ts'
const PLAYGROUND_PLUGINS = ['clock', 'counter', 'notes', 'preact-counter', 'react-counter', 'solid-counter', 'svelte-counter', 'theme', 'vue-todos']

/** The dev server's control API, called as curl or a script would: no browser, no Origin. */
function controlApi(app: App) {
  const url = (endpoint: string) => new URL(`__hot-plugins/${endpoint}`, app.url).href
  return {
    url,
    async status(): Promise<ControlStatus> {
      const answer = await app.page.request.get(url('status'))
      expect(answer.status()).toBe(200)
      return (await answer.json()) as ControlStatus
    },
    post: (endpoint: string, data: unknown, headers: Record<string, string> = {}): Promise<APIResponse> =>
      app.page.request.post(url(endpoint), { data, headers }),
  }
}

/** One plugin as the page's only tab reports it. */
async function inTab(app: App, id: string) {
  const status = await controlApi(app).status()
  return status.plugins.find((plugin) => plugin.id === id)?.tabs[0]
}

const tabId = (app: App) => app.page.evaluate(() => sessionStorage.getItem('hot-plugins:tab'))

/** Waits until the dev server has the tab's report of every plugin running (commands need it). */
async function tabReported(app: App) {
  await expect
    .poll(async () => (await controlApi(app).status()).plugins.map((p) => p.tabs.map((t) => t.status).join()))
    .toEqual(PLAYGROUND_PLUGINS.map(() => 'idle'))
}

test("GET status lists the playground's plugins with what the tab reports", async ({ app }) => {
  const api = controlApi(app)
  const tab = await tabId(app)
  await expect
    .poll(async () => {
      const status = await api.status()
      return { tabs: status.tabs, plugins: status.plugins.map((p) => [p.id, p.tabs.map((t) => `${t.tab === tab ? 'this tab' : t.tab}: ${t.status}`)]) }
    })
    .toEqual({ tabs: 1, plugins: PLAYGROUND_PLUGINS.map((id) => [id, ['this tab: idle']]) })
  const answer = await app.page.request.get(api.url('status'))
  expect(answer.headers()['content-type']).toBe('application/json; charset=utf-8')
  expect((await answer.json()).plugins[1]).toEqual({
    id: 'counter',
    file: COUNTER,
    tabs: [{ tab, status: 'idle', version: '1.0.0', reloadCount: 0, hotReload: true }],
  })
})

test('POST reload swaps the plugin in the tab, state kept, and the status tells how it went', async ({ app }) => {
  const { page } = app
  const api = controlApi(app)
  await tabReported(app)
  for (let i = 0; i < 2; i++) await page.getByTestId('counter-button').click()

  const answer = await api.post('reload', { id: 'counter' })
  expect(answer.status()).toBe(202)
  expect(await answer.json()).toEqual({ id: 'counter', tabs: 1 })
  await app.waitForReloads('counter', 1)
  await expect(page.getByTestId('counter-value')).toHaveText('2 clicks')
  await expect.poll(() => app.console).toContain('[hot-plugins] reloading plugin "counter", as the dev server asked')
  await expect
    .poll(() => inTab(app, 'counter'))
    .toMatchObject({ status: 'idle', reloadCount: 1, lastReload: { outcome: 'swapped', durationMs: expect.any(Number) } })
  const { lastReload } = (await inTab(app, 'counter'))!
  expect(Math.abs(Date.now() - lastReload!.at)).toBeLessThan(60_000)
  await app.expectNoPageReload()
})

test('POST hot-reload turns a plugin off: a save does not swap it; on again, the save applies', async ({ app }) => {
  const { page } = app
  const api = controlApi(app)
  await tabReported(app)
  const off = await api.post('hot-reload', { id: 'counter', enabled: false })
  expect(off.status()).toBe(202)
  expect(await off.json()).toEqual({ id: 'counter', enabled: false, tabs: 1 })
  await expect.poll(() => page.evaluate(() => (window as any).pluginHost.isHotReloadEnabled('counter'))).toBe(false)
  await expect.poll(() => inTab(app, 'counter')).toMatchObject({ status: 'disabled', hotReload: false })

  const skipped = page.waitForEvent('console', (m) => m.text().includes('hot reload is off for plugin "counter"'))
  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Later'")
  await skipped
  await expect(page.getByTestId('counter-label')).toHaveText('Count')
  expect(await app.events('reload-started', 'counter')).toEqual([])

  const on = await api.post('hot-reload', { id: 'counter', enabled: true })
  expect(on.status()).toBe(202)
  await expect(page.getByTestId('counter-label')).toHaveText('Later')
  await expect.poll(() => inTab(app, 'counter')).toMatchObject({ status: 'idle', hotReload: true, reloadCount: 1 })
  await app.expectNoPageReload()
})

test('a request from another origin is refused and changes nothing', async ({ app, context }) => {
  const { page } = app
  const api = controlApi(app)
  await tabReported(app)
  const crossOrigin: Record<string, string>[] = [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }]
  for (const headers of crossOrigin) {
    const answer = await api.post('hot-reload', { enabled: false }, headers)
    expect(answer.status()).toBe(403)
    expect((await answer.json()).error).toMatch(/^cross-origin requests are refused/)
  }

  // A page of another app on this machine, open in the same browser, posts JSON (Vite's CORS
  // rules let localhost origins through) and a form-like text body (no CORS preflight).
  const otherApp = createServer((_req, res) => res.end('<p>another app</p>'))
  await new Promise<void>((resolve) => otherApp.listen(0, 'localhost', resolve))
  let seen: { status: number; body: { error: string } }
  try {
    const other = await context.newPage()
    await other.goto(`http://localhost:${(otherApp.address() as AddressInfo).port}/`)
    seen = await other.evaluate(async (url) => {
      const json = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"enabled":false}' })
      await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"enabled":false}' })
      return { status: json.status, body: await json.json() }
    }, api.url('hot-reload'))
    await other.close()
  } finally {
    otherApp.closeAllConnections()
    otherApp.close()
  }
  expect(seen.status).toBe(403)
  expect(seen.body.error).toMatch(/^cross-origin requests are refused \(Sec-Fetch-Site: same-site\)/)
  expect(app.logs.filter((line) => line.includes('refused a request to /__hot-plugins/hot-reload from another origin'))).toHaveLength(4)

  // Commands reach the tab in order: once this one is carried out, a refused one would have been too.
  expect((await api.post('reload', { id: 'clock' })).status()).toBe(202)
  await app.waitForReloads('clock', 1)
  expect(await page.evaluate(() => (window as any).pluginHost.isHotReloadEnabled())).toBe(true)
  const status = await api.status()
  expect(status.plugins.map((p) => [p.id, p.tabs.map((t) => t.hotReload)])).toEqual(PLAYGROUND_PLUGINS.map((id) => [id, [true]]))
  await app.expectNoPageReload()
})

test("a dev server restart: the tab's status waits for the connection, no send before connect", async ({ app }) => {
  const { page } = app
  const lost = page.waitForEvent('console', { predicate: (m) => m.text().includes('server connection lost') })
  const reloaded = app.expectReload()
  const restarted = app.server.restart()
  await lost
  // A status change while the socket is closed: reported once it is open again.
  await page.evaluate(() => (window as unknown as { pluginHost: { disable(id: string): void } }).pluginHost.disable('counter'))
  await restarted
  await reloaded
  expect(app.console.filter((line) => line.includes('send was called before connect'))).toEqual([])
})
