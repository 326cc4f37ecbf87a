import { startPlayground, type RunningPlayground } from '../playground'
import { copyRemoteProject, type RemoteProject } from '../remote-project'
import { events, openApp, pageMarker, reloads, saveFile } from './dev-tab'
import type { EnginePage } from './engine-page'
import { expect, test } from './fixtures'

// Plugins from another dev server, in every engine: the playground (the host) lists a copy of
// playground-remote (a plugin project on a dev server of its own) in its `remotes`, as
// e2e/remote.spec.ts sets it up for Chromium; its plugin runs in the host's page and a save in the
// remote project swaps it there. One pair of dev servers per engine.
let remote: RemoteProject
let app: RunningPlayground

// A port of its own: no other spec serves on it (e2e/remote.spec.ts serves on 5391).
const REMOTE_PORT = 5392
const CHARTS = 'src/plugins/charts/index.ts'
const CHARTS_ID = `charts@localhost:${REMOTE_PORT}`

test.beforeAll(async ({ engine }) => {
  test.setTimeout(120_000)
  remote = await copyRemoteProject(`remote-engines-project-${engine}`, REMOTE_PORT)
  await remote.start()
  // The host's config reads its remotes when its server starts.
  const before = process.env.PLAYGROUND_REMOTES
  process.env.PLAYGROUND_REMOTES = remote.url
  try {
    app = await startPlayground(`remote-engines-host-${engine}`)
  } finally {
    if (before === undefined) delete process.env.PLAYGROUND_REMOTES
    else process.env.PLAYGROUND_REMOTES = before
  }
})

test.afterAll(async () => {
  await app?.close()
  await remote?.remove()
})

/** What a person sees of the remote's charts plugin in the host's page. */
const charts = (tab: EnginePage) =>
  tab.evaluate(() => ({
    title: document.querySelector('[data-testid="charts-title"]')?.textContent ?? undefined,
    count: document.querySelector('[data-testid="charts-count"]')?.textContent ?? undefined,
  }))

/** The host's dev server's status of the remote plugin in tab `id` (the host's control API). */
async function chartsStatusIn(id: string | null): Promise<string | undefined> {
  const answer = await fetch(new URL('__hot-plugins/status', app.url))
  const { plugins } = (await answer.json()) as { plugins: { id: string; tabs: { tab: string; status: string }[] }[] }
  return plugins.find((plugin) => plugin.id === CHARTS_ID)?.tabs.find((t) => t.tab === id)?.status
}

test("a save in the remote project swaps its plugin in the host's page with its state, no page reload", async ({ tab }) => {
  await openApp(tab, app.url)
  expect(await charts(tab)).toEqual({ title: 'Charts', count: '1 bars' })
  // It runs from the remote's dev server, and the tab has told the host's dev server so (its connection is up).
  const file = await tab.evaluate(() => (window as unknown as { pluginHost: { plugins(): { id: string; file: string }[] } }).pluginHost.plugins().find((p) => p.id === 'charts')?.file)
  expect(file).toBe(`//localhost:${REMOTE_PORT}/${CHARTS}`)
  const id = await tab.evaluate(() => sessionStorage.getItem('hot-plugins:tab'))
  await expect.poll(() => chartsStatusIn(id)).toBe('idle')
  await tab.click('[data-testid="charts-add"]')
  await tab.click('[data-testid="charts-add"]')
  await expect.poll(() => charts(tab)).toEqual({ title: 'Charts', count: '3 bars' })

  saveFile(remote.root, CHARTS, (source) => source.replace("const title = 'Charts'", "const title = 'Charts v2'"))
  await expect.poll(() => reloads(tab, 'charts')).toBe(1)
  expect(await events(tab, 'reload-completed', 'charts')).toEqual([expect.objectContaining({ stateKept: true })])
  expect(await charts(tab)).toEqual({ title: 'Charts v2', count: '3 bars' })
  expect(await pageMarker(tab)).toBe('loaded-once')
  // The new version runs: its button adds on to the bars handed over.
  await tab.click('[data-testid="charts-add"]')
  await expect.poll(() => charts(tab)).toEqual({ title: 'Charts v2', count: '4 bars' })
  // And the next save too (each version a module of its own, never the one the engine has cached).
  saveFile(remote.root, CHARTS, (source) => source.replace("const title = 'Charts v2'", "const title = 'Charts v3'"))
  await expect.poll(() => reloads(tab, 'charts')).toBe(2)
  expect(await charts(tab)).toEqual({ title: 'Charts v3', count: '4 bars' })
  expect(await pageMarker(tab)).toBe('loaded-once')
})
