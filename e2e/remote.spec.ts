import { test as base, expect, type App, type PageGlobals } from './fixtures'
import { copyRemoteProject, type RemoteProject } from './remote-project'

// A port of its own: no other spec serves on it.
const REMOTE_PORT = 5391
const CHARTS = 'src/plugins/charts/index.ts'
const EXPOSE = "hotPlugins({ plugins: 'src/plugins/*/index.ts', expose: true })"

/**
 * The playground (the host, on any port) with playground-remote (the plugin project, on its own
 * dev server at REMOTE_PORT) in its `remotes`. The remote is copied and started before the host
 * unless `remoteRunsAtStart` is false; `exposeOptions` replaces its `expose: true`.
 */
const test = base.extend<{ remote: RemoteProject; remoteRunsAtStart: boolean; exposeOptions: string | undefined }>({
  remoteRunsAtStart: [true, { option: true }],
  exposeOptions: [undefined, { option: true }],
  remote: async ({ remoteRunsAtStart, exposeOptions }, use, testInfo) => {
    const remote = await copyRemoteProject(`remote-${testInfo.titlePath.slice(1).join('-')}`, REMOTE_PORT)
    if (exposeOptions !== undefined) await remote.edit('vite.config.ts', EXPOSE, EXPOSE.replace('expose: true', `expose: ${exposeOptions}`))
    if (remoteRunsAtStart) await remote.start()
    const before = process.env.PLAYGROUND_REMOTES
    process.env.PLAYGROUND_REMOTES = remote.url
    try {
      await use(remote)
    } finally {
      if (before === undefined) delete process.env.PLAYGROUND_REMOTES
      else process.env.PLAYGROUND_REMOTES = before
      await remote.remove()
    }
  },
  // The host's config reads its remotes when its server starts: the remote fixture comes first.
  hotPluginsOptions: async ({ remote }, use) => {
    void remote
    await use(undefined)
  },
})

const charts = (app: App) => ({
  title: app.page.getByTestId('charts-title'),
  count: app.page.getByTestId('charts-count'),
  add: app.page.getByTestId('charts-add'),
})

/** Gives the remote's charts plugin a new title, whatever its title is now. */
async function retitle(remote: RemoteProject, title: string): Promise<void> {
  const now = (await remote.read(CHARTS)).match(/const title = '[^']*'/)?.[0]
  if (!now) throw new Error(`${CHARTS} has no title to change`)
  await remote.edit(CHARTS, now, `const title = '${title}'`)
}

const hostLogged = (app: App, text: string) => expect.poll(() => app.logs.filter((l) => l.includes(text)).length)

test('a save in the remote project swaps its plugin in the host page: state kept, no page reload', async ({ app, remote }) => {
  const chart = charts(app)
  await expect(chart.count).toHaveText('1 bars')
  await chart.add.click()
  await chart.add.click()
  await expect(chart.count).toHaveText('3 bars')
  const plugin = await app.page.evaluate(() => (window as unknown as PageGlobals).pluginHost!.plugins().find((p) => p.id === 'charts'))
  expect(plugin?.file).toBe(`//localhost:${REMOTE_PORT}/src/plugins/charts/index.ts`)

  await remote.edit(CHARTS, "const title = 'Charts'", "const title = 'Charts v2'")
  await expect(chart.title).toHaveText('Charts v2')
  await expect(chart.count).toHaveText('3 bars')
  // A helper of the remote plugin: its entry is swapped with the new helper.
  await remote.edit('src/plugins/charts/bars.ts', "bar.dataset.testid = 'charts-bar'", "bar.dataset.testid = 'charts-bar'\n    bar.title = `${value}`")
  await expect(app.page.getByTestId('charts-bar').first()).toHaveAttribute('title', '3')
  // Its stylesheet came from the remote, and swaps with it.
  await expect(chart.title).toHaveCSS('color', 'rgb(20, 120, 60)')
  await remote.edit('src/plugins/charts/charts.css', 'rgb(20, 120, 60)', 'rgb(200, 30, 30)')
  await expect(chart.title).toHaveCSS('color', 'rgb(200, 30, 30)')
  await expect(chart.count).toHaveText('3 bars')
  // The stylesheet imports the remote's Vite client: the host's page got one that opens no socket.
  expect(remote.sockets()).toBe(0)
  await app.waitForReloads('charts', 3)
  const completed = await app.events('reload-completed', 'charts')
  expect(completed.every((e) => e.stateKept)).toBe(true)
  await hostLogged(app, `reloaded charts@localhost:${REMOTE_PORT}`).toBe(3)
  // The remote's terminal hears of it too, naming the host.
  const host = new URL(app.url).origin
  await expect.poll(() => remote.logs().filter((l) => /reloaded charts in \d+ ms, state kept \(in /.test(l) && l.endsWith(`(in ${host})`)).length).toBe(3)
  // The control API lists it by the name the terminal gives it, with its file on the remote…
  const status = (await (await fetch(`${app.url}__hot-plugins/status`)).json()) as { plugins: { id: string; file: string; tabs: { status: string }[] }[] }
  expect(status.plugins.find((p) => p.id === `charts@localhost:${REMOTE_PORT}`)).toMatchObject({ file: `//localhost:${REMOTE_PORT}/${CHARTS}`, tabs: [{ status: 'idle' }] })
  // …and reloads it by that name, as the terminal names it.
  const reload = await fetch(`${app.url}__hot-plugins/reload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: `charts@localhost:${REMOTE_PORT}` }) })
  expect(await reload.json()).toEqual({ id: `charts@localhost:${REMOTE_PORT}`, tabs: 1 })
  await app.waitForReloads('charts', 4)
  // Persisted per host project + remote + plugin id.
  await app.waitForSavedState(`charts@localhost:${REMOTE_PORT}`, { values: [3, 4, 5] })
  // The host's own plugins are untouched, and still swap as before.
  await app.edit('src/plugins/counter/index.ts', "const label = 'Count'", "const label = 'Host count'")
  await expect(app.page.getByTestId('counter-label')).toHaveText('Host count')
  await app.expectNoPageReload()
  // The panel names the plugin with its dev server.
  await app.page.getByTestId('hp-badge').click()
  await app.page.getByRole('tab', { name: 'Plugins' }).click()
  const row = app.page.locator('[data-testid="hp-plugin-row"][data-plugin="charts"]')
  await expect(row.locator('td').first()).toHaveText(`charts@localhost:${REMOTE_PORT}`)
})

test("a compile error in the remote project is refused before anything runs; the fix swaps in", async ({ app, remote }) => {
  const chart = charts(app)
  await chart.add.click()
  await expect(chart.count).toHaveText('2 bars')
  const good = await remote.read(CHARTS)
  await remote.edit(CHARTS, 'export function getReloadState() {', 'export function getReloadState() {{{')

  await expect.poll(async () => (await app.events('reload-failed', 'charts')).length).toBe(1)
  const [failure] = await app.events('reload-failed', 'charts')
  expect(failure?.outcome).toBe('kept-old')
  expect(failure?.message).toContain('its new code does not compile; the previous version keeps running')
  await expect(app.page.locator('vite-error-overlay')).toHaveCount(1)
  await hostLogged(app, `does not compile; charts@localhost:${REMOTE_PORT} keeps running the previous version`).toBe(1)
  // The old version runs on, with its state.
  await chart.add.dispatchEvent('click')
  await expect(chart.count).toHaveText('3 bars')
  expect(await app.events('reload-completed', 'charts')).toEqual([])

  await remote.write(CHARTS, good.replace("const title = 'Charts'", "const title = 'Fixed'"))
  await expect(chart.title).toHaveText('Fixed')
  await expect(chart.count).toHaveText('3 bars')
  await expect(app.page.locator('vite-error-overlay')).toHaveCount(0)
  await app.expectNoPageReload()
})

test.describe('remote down at start', () => {
  test.use({ remoteRunsAtStart: false })

  test('the host runs its own plugins, says once that the remote is not reachable, and starts its plugins when it comes up', async ({ app, remote }) => {
    await expect(app.page.getByTestId('counter-label')).toHaveText('Count')
    await expect(charts(app).count).toHaveCount(0)
    await hostLogged(app, `remote ${remote.url} is not reachable`).toBe(1)
    // The page says so too.
    expect(app.console.filter((l) => l.includes(`[hot-plugins] remote ${remote.url} is not reachable`))).toHaveLength(1)

    await remote.start()
    await expect(charts(app).count).toHaveText('1 bars')
    await hostLogged(app, `remote ${remote.url} connected: charts`).toBe(1)
    // Said once, however often it was tried meanwhile.
    expect(app.logs.filter((l) => l.includes('is not reachable'))).toHaveLength(1)
    await charts(app).add.click()
    await remote.edit(CHARTS, "const title = 'Charts'", "const title = 'Up now'")
    await expect(charts(app).title).toHaveText('Up now')
    await expect(charts(app).count).toHaveText('2 bars')
    await app.expectNoPageReload()
  })
})

test('the remote restarts while the page runs: its plugin keeps running, the host page is not reloaded, the next save applies', async ({ app, remote }) => {
  const chart = charts(app)
  await chart.add.click()
  await expect(chart.count).toHaveText('2 bars')
  // A helper changed before the restarts: the page must not fall back to the copy it loaded first.
  const bar = app.page.getByTestId('charts-bar').first()
  await remote.edit('src/plugins/charts/bars.ts', "bar.dataset.testid = 'charts-bar'", "bar.dataset.testid = 'charts-bar'\n    bar.title = 'edited'")
  await expect(bar).toHaveAttribute('title', 'edited')
  for (let restart = 1; restart <= 3; restart++) {
    await remote.stop()
    await hostLogged(app, `remote ${remote.url} stopped`).toBe(restart)
    await chart.add.click()
    await expect(chart.count).toHaveText(`${restart + 2} bars`)
    await remote.start()
    await hostLogged(app, `remote ${remote.url} connected: charts`).toBe(restart + 1)
    await expect.poll(() => remote.logs().filter((l) => l.includes("follows this project's plugins")).length).toBe(restart + 1)
    await retitle(remote, `Restart ${restart}`)
    await expect(chart.title).toHaveText(`Restart ${restart}`)
    await expect(chart.count).toHaveText(`${restart + 2} bars`)
    await expect(bar).toHaveAttribute('title', 'edited')
  }
  await app.expectNoPageReload()
  expect(app.console.filter((l) => l.includes('[vite] server connection lost'))).toEqual([])
})

test('the page loads while the remote is down: its plugin starts once the remote is back, without a save', async ({ app, remote }) => {
  await expect(charts(app).count).toHaveText('1 bars')
  await remote.stop()
  await hostLogged(app, `remote ${remote.url} stopped`).toBe(1)
  await app.page.reload()
  // Its import is refused (the remote is down): the plugin does not run; the host's own do.
  await expect.poll(() => app.page.evaluate(() => (window as unknown as PageGlobals).pluginHost?.plugins().find((p) => p.id === 'charts')?.status)).toBe('failed')
  await expect(app.page.getByTestId('counter-label')).toHaveText('Count')
  await expect(charts(app).count).toHaveCount(0)

  await remote.start()
  await hostLogged(app, `remote ${remote.url} connected: charts`).toBe(2)
  await expect(charts(app).count).toHaveText(/^\d+ bars$/)
  await expect.poll(() => app.page.evaluate(() => (window as unknown as PageGlobals).pluginHost?.plugins().find((p) => p.id === 'charts')?.status)).toBe('idle')
  await charts(app).add.click()
  await retitle(remote, 'Saved after')
  await expect(charts(app).title).toHaveText('Saved after')
})

test('saves made while the remote is down apply once it is back, state kept', async ({ app, remote }) => {
  const chart = charts(app)
  await chart.add.click()
  await expect(chart.count).toHaveText('2 bars')
  await remote.stop()
  await hostLogged(app, `remote ${remote.url} stopped`).toBe(1)
  // The entry and a helper, saved while no dev server serves them.
  await retitle(remote, 'Saved while down')
  await remote.edit('src/plugins/charts/bars.ts', "bar.dataset.testid = 'charts-bar'", "bar.dataset.testid = 'charts-bar'\n    bar.title = 'while down'")
  await remote.start()
  await expect(chart.title).toHaveText('Saved while down')
  await expect(app.page.getByTestId('charts-bar').first()).toHaveAttribute('title', 'while down')
  await expect(chart.count).toHaveText('2 bars')
  await app.expectNoPageReload()
})

const LEGEND = `export const meta = { dependsOn: ['charts'] }

export function activate(ctx: { panel: HTMLElement; setTitle(title: string): void }) {
  ctx.setTitle('Legend')
  const legend = document.createElement('em')
  legend.dataset.testid = 'legend'
  legend.textContent = 'legend of the charts'
  ctx.panel.append(legend)
  return () => ctx.panel.replaceChildren()
}
`

test('dependencies across sources: the remote plugin restarts for the host plugin it depends on, a host plugin for the remote one', async ({ app, remote }) => {
  const chart = charts(app)
  await chart.add.click()
  await expect(chart.count).toHaveText('2 bars')
  await app.edit('src/plugins/theme/index.ts', "const accent = '#3559e0'", "const accent = '#e05a35'")
  await expect.poll(async () => (await app.events('reload-completed', 'charts')).map((e) => e.via)).toEqual(['theme'])
  await expect(chart.count).toHaveText('2 bars')

  await app.write('src/plugins/legend/index.ts', LEGEND)
  await expect(app.page.getByTestId('legend')).toHaveText('legend of the charts')
  await retitle(remote, 'Charts again')
  await expect(chart.title).toHaveText('Charts again')
  await expect.poll(async () => (await app.events('reload-completed', 'legend')).map((e) => e.via)).toEqual(['charts'])
  await expect(app.page.getByTestId('legend')).toHaveCount(1)
  await expect(chart.count).toHaveText('2 bars')
  await app.expectNoPageReload()
})

const GAUGE = `export function activate(ctx: { panel: HTMLElement; setTitle(title: string): void }) {
  ctx.setTitle('Gauge')
  const gauge = document.createElement('meter')
  gauge.dataset.testid = 'gauge'
  gauge.value = 0.5
  ctx.panel.append(gauge)
  return () => ctx.panel.replaceChildren()
}
`

test('plugins created and deleted in the remote project join and leave the running host page', async ({ app, remote }) => {
  await expect(charts(app).count).toHaveText('1 bars')
  await remote.write('src/plugins/gauge/index.ts', GAUGE)
  await expect(app.page.getByTestId('gauge')).toHaveCount(1)
  await expect.poll(async () => (await app.events('plugin-added', 'gauge')).length).toBe(1)
  await remote.edit('src/plugins/gauge/index.ts', 'gauge.value = 0.5', 'gauge.value = 0.75')
  await expect(app.page.getByTestId('gauge')).toHaveAttribute('value', '0.75')
  await (await import('node:fs/promises')).rm(`${remote.root}/src/plugins/gauge`, { recursive: true })
  await expect(app.page.getByTestId('gauge')).toHaveCount(0)
  await expect.poll(async () => (await app.events('plugin-removed', 'gauge')).length).toBe(1)
  await expect(charts(app).count).toHaveText('1 bars')
  await app.expectNoPageReload()
})

const REMOTE_COUNTER = `export function activate(ctx: { panel: HTMLElement; setTitle(title: string): void }) {
  ctx.setTitle('Remote counter')
  const marker = document.createElement('span')
  marker.dataset.testid = 'remote-counter'
  ctx.panel.append(marker)
  return () => ctx.panel.replaceChildren()
}
`

test("an id of the host's and of the remote's: an error names both, the host's own plugin runs", async ({ app, remote }) => {
  await remote.write('src/plugins/counter/index.ts', REMOTE_COUNTER)
  await hostLogged(app, 'two plugins have the id "counter": src/plugins/counter/index.ts (this app) and src/plugins/counter/index.ts of ' + remote.url).toBe(1)
  expect(app.logs.find((l) => l.includes('two plugins have the id'))).toMatch(/^error: /)
  // The remote's other plugins still arrive and swap; the host's counter is its own.
  await remote.edit(CHARTS, "const title = 'Charts'", "const title = 'Charts after the clash'")
  await expect(charts(app).title).toHaveText('Charts after the clash')
  await expect(app.page.getByTestId('remote-counter')).toHaveCount(0)
  await app.edit('src/plugins/counter/index.ts', "const label = 'Count'", "const label = 'Still the host'")
  await expect(app.page.getByTestId('counter-label')).toHaveText('Still the host')
  await app.expectNoPageReload()
})

test.describe('a host the remote does not allow', () => {
  test.use({ exposeOptions: "{ allowOrigins: ['http://localhost:1'] }" })

  test('is refused: both terminals say so, its page cannot import the plugins, and its own plugins run', async ({ app, remote }) => {
    await hostLogged(app, `remote ${remote.url} refused this app (403`).toBe(1)
    expect(app.console.filter((l) => l.includes(`[hot-plugins] remote ${remote.url} refused this app (403`))).toHaveLength(1)
    await expect.poll(() => remote.logs().filter((l) => l.includes('is not in expose.allowOrigins')).length).toBeGreaterThan(0)
    await expect(app.page.getByTestId('counter-label')).toHaveText('Count')
    await expect(charts(app).count).toHaveCount(0)
    const imported = await app.page.evaluate((url) => import(/* @vite-ignore */ url).then(() => 'loaded', () => 'refused'), `${remote.url}/${CHARTS}`)
    expect(imported).toBe('refused')
  })
})

test("a remote plugin whose new code throws keeps its old version: on evaluation, and in activate (rolled back); the next good save applies", async ({ app, remote }) => {
  const chart = charts(app)
  await chart.add.click()
  await expect(chart.count).toHaveText('2 bars')
  const good = await remote.read(CHARTS)
  await remote.write(CHARTS, good.replace("const title = 'Charts'", "const title = 'Charts'\nthrow new Error('broken on evaluation')"))
  await expect.poll(async () => (await app.events('reload-failed', 'charts')).map((e) => e.outcome)).toEqual(['kept-old'])
  expect((await app.events('reload-failed', 'charts'))[0]?.message).toContain('broken on evaluation')

  await remote.write(CHARTS, good.replace('  ctx.setTitle(title)', "  ctx.setTitle(title)\n  throw new Error('broken in activate')"))
  await expect.poll(async () => (await app.events('reload-failed', 'charts')).map((e) => e.outcome)).toEqual(['kept-old', 'rolled-back'])
  expect((await app.events('reload-failed', 'charts'))[1]?.message).toContain('broken in activate')
  await expect(chart.title).toHaveText('Charts')
  await chart.add.click()
  await expect(chart.count).toHaveText('3 bars')

  await remote.write(CHARTS, good.replace("const title = 'Charts'", "const title = 'Good again'"))
  await expect(chart.title).toHaveText('Good again')
  await expect(chart.count).toHaveText('3 bars')
  await app.expectNoPageReload()
})
