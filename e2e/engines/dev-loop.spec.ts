import type { ControlStatus } from '../../packages/client/src/protocol/index'
import { LEAKY, LEAKY_SOURCE } from '../leaky-plugin'
import { startPlayground, type RunningPlayground } from '../playground'
import { consoleLines, events, openApp, reloads, saveFile } from './dev-tab'
import type { EnginePage } from './engine-page'
import { expect, test } from './fixtures'

// The dev loop as a user meets it, in every engine: save a plugin, save a broken one, read the
// failure notice, reload the page, read the leak report and the devtools panel, duplicate a tab,
// drive the control API. One dev server per engine on a copy of the playground (with state restored
// on every reload, and a plugin that leaks); each test opens its own tab (its own profile: no state
// of another test) and saves the files with labels of its own, so the tests do not depend on each
// other's edits. (Plugins of another dev server: remote.spec.ts.)
let app: RunningPlayground

const COUNTER = 'src/plugins/counter/index.ts'
const TAB_KEY = 'hot-plugins:tab'

/** A file of the app's origin (any other path without a file gets the app's index.html). */
const NOT_THE_APP = 'not-the-app.txt'
const PLUGINS = ['clock', 'counter', 'leaky', 'notes', 'preact-counter', 'react-counter', 'solid-counter', 'svelte-counter', 'theme', 'vue-todos']

test.beforeAll(async ({ engine }) => {
  test.setTimeout(120_000)
  app = await startPlayground(`dev-loop-engines-${engine}`, {
    async prepare(copy) {
      await copy.edit('vite.config.ts', "hotPlugins({ plugins: 'src/plugins/*/index.{ts,tsx}',", "hotPlugins({ plugins: 'src/plugins/*/index.{ts,tsx}', state: { restoreOnReload: 'always' },")
      await copy.write(LEAKY, LEAKY_SOURCE)
      await copy.write(`public/${NOT_THE_APP}`, 'A page of the app origin that runs none of the app.\n')
    },
  })
})

test.afterAll(async () => {
  await app?.close()
})

/** Saves a file of the copy in one go, as an editor does. */
const save = async (file: string, change: (source: string) => string) => saveFile(app.root, file, change)

/** Saves the counter with a label of the test's own (whatever label an earlier test left). */
const saveCounterLabel = (label: string) => save(COUNTER, (source) => source.replace(/const label = '[^']*'/, `const label = '${label}'`))

/** What a person sees of the counter, and whether the page is still the one first loaded. */
const counter = (tab: EnginePage) =>
  tab.evaluate(() => ({
    label: document.querySelector('[data-testid="counter-label"]')?.textContent ?? undefined,
    value: document.querySelector('[data-testid="counter-value"]')?.textContent ?? undefined,
    marker: (window as unknown as { __pageMarker?: string }).__pageMarker,
  }))

/** Clicks the counter's button as a user does (state is saved after such input, with restoreOnReload: 'always'). */
async function click(tab: EnginePage, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await tab.click('[data-testid="counter-button"]')
}

const tabId = (tab: EnginePage) => tab.evaluate((key) => sessionStorage.getItem(key), TAB_KEY)

/** The dev server's control API, called as curl or a script would. */
const controlUrl = (endpoint: string) => new URL(`__hot-plugins/${endpoint}`, app.url).href
async function status(): Promise<ControlStatus> {
  const answer = await fetch(controlUrl('status'))
  expect(answer.status).toBe(200)
  return (await answer.json()) as ControlStatus
}

/** The plugins the dev server's status lists as running in tab `id`, with their status. */
async function reportedBy(id: string | null): Promise<string[]> {
  const { plugins } = await status()
  return plugins.flatMap((plugin) => plugin.tabs.filter((t) => t.tab === id).map((t) => `${plugin.id}: ${t.status}`)).sort()
}

/**
 * Loads the app in `tab` (or reloads it: `reload`), waits until every plugin runs and the tab has
 * reported them to the dev server (so its connection is up before any save), and records in the
 * page what the host emits and what it logs.
 */
async function open(tab: EnginePage, how: 'goto' | 'reload' = 'goto'): Promise<void> {
  await openApp(tab, app.url, how)
  const id = await tabId(tab)
  await expect.poll(() => reportedBy(id)).toEqual(PLUGINS.map((plugin) => `${plugin}: idle`))
}

test('a save swaps the plugin in with its state, without a page reload', async ({ tab }) => {
  await open(tab)
  await click(tab, 3)
  await expect.poll(() => counter(tab)).toMatchObject({ value: '3 clicks' })
  await saveCounterLabel('Saved')
  await expect.poll(() => reloads(tab, 'counter')).toBe(1)
  expect(await counter(tab)).toEqual({ label: 'Saved', value: '3 clicks', marker: 'loaded-once' })
  expect(await events(tab, 'reload-completed', 'counter')).toEqual([expect.objectContaining({ stateKept: true })])
  // The new version runs: its button counts on from the state handed over.
  await click(tab, 1)
  await expect.poll(() => counter(tab)).toEqual({ label: 'Saved', value: '4 clicks', marker: 'loaded-once' })
})

test('a syntax error is refused: the old plugin runs on with its state; the fix then swaps in', async ({ tab }) => {
  await open(tab)
  const { label } = await counter(tab)
  await click(tab, 2)
  const activate = 'export function activate(ctx: PlaygroundContext) {'
  await save(COUNTER, (source) => source.replace(activate, `${activate}\n  const broken = (`))
  await expect.poll(() => events(tab, 'reload-failed', 'counter')).toEqual([
    expect.objectContaining({ outcome: 'kept-old', message: expect.stringContaining(`${COUNTER}:`) }),
  ])
  // Vite's overlay shows the error, over the page; under it, the old version still counts.
  expect(await tab.evaluate(() => document.querySelectorAll('vite-error-overlay').length)).toBe(1)
  await tab.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="counter-button"]')!.click())
  await expect.poll(() => counter(tab)).toEqual({ label, value: '3 clicks', marker: 'loaded-once' })

  await save(COUNTER, (source) => source.replace(`${activate}\n  const broken = (`, activate).replace(/const label = '[^']*'/, "const label = 'Fixed'"))
  await expect.poll(() => reloads(tab, 'counter')).toBe(1)
  expect(await counter(tab)).toEqual({ label: 'Fixed', value: '3 clicks', marker: 'loaded-once' })
  expect(await tab.evaluate(() => document.querySelectorAll('vite-error-overlay').length)).toBe(0)
})

/** The failure notice of the devtools (in their shadow root): whether it shows, and its lines. */
const notice = (tab: EnginePage) =>
  tab.evaluate(() => {
    const element = document.querySelector('hot-plugins-devtools')?.shadowRoot?.querySelector<HTMLElement>('[data-testid="hp-notice"]')
    const shown = !!element && !element.hidden && getComputedStyle(element).display !== 'none' && element.getBoundingClientRect().width > 0
    return {
      shown,
      lines: [...(element?.querySelectorAll<HTMLElement>('[data-testid="hp-notice-line"]') ?? [])].map((line) => ({ plugin: line.dataset.plugin, text: line.textContent })),
    }
  })

test('a save whose activate throws: the notice names the plugin and the cause; the old version runs on with its state', async ({ tab }) => {
  await open(tab)
  const { label } = await counter(tab)
  await click(tab, 2)
  expect(await notice(tab)).toEqual({ shown: false, lines: [] })
  const setTitle = "  ctx.setTitle('Counter')"
  const throwing = `${setTitle}\n  throw new Error('no panel for the counter')`
  await save(COUNTER, (source) => source.replace(setTitle, throwing).replace(/const label = '[^']*'/, "const label = 'Thrown'"))
  await expect.poll(() => events(tab, 'reload-failed', 'counter')).toEqual([
    expect.objectContaining({ outcome: 'rolled-back', message: expect.stringContaining('no panel for the counter') }),
  ])
  await expect.poll(() => notice(tab)).toEqual({ shown: true, lines: [{ plugin: 'counter', text: 'counter rolled back: activate() threw: no panel for the counter' }] })
  // The old version runs on, with its state: its label, and its button counting on.
  await click(tab, 1)
  await expect.poll(() => counter(tab)).toEqual({ label, value: '3 clicks', marker: 'loaded-once' })

  // The next good save swaps in and takes the notice away.
  await save(COUNTER, (source) => source.replace(throwing, setTitle).replace("const label = 'Thrown'", "const label = 'Notice fixed'"))
  await expect.poll(() => reloads(tab, 'counter')).toBe(1)
  expect(await counter(tab)).toEqual({ label: 'Notice fixed', value: '3 clicks', marker: 'loaded-once' })
  await expect.poll(async () => (await notice(tab)).shown).toBe(false)
})

test('state comes back from IndexedDB after a page reload (restoreOnReload: always)', async ({ tab }) => {
  await open(tab)
  await click(tab, 4)
  // Saved moments after the input: in IndexedDB before the reload.
  await expect.poll(() => savedCounts(tab)).toEqual([4])
  await open(tab, 'reload')
  expect(await counter(tab)).toMatchObject({ value: '4 clicks', marker: 'loaded-once' })
})

/** The counter's persisted states in this tab's profile (every tab of it), as counts. */
const savedCounts = (tab: EnginePage) =>
  tab.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hot-plugins')
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    if (!db.objectStoreNames.contains('plugin-state')) return []
    const store = db.transaction('plugin-state').objectStore('plugin-state')
    const [keys, values] = await Promise.all(
      [store.getAllKeys(), store.getAll()].map((request) => new Promise<unknown[]>((resolve) => (request.onsuccess = () => resolve(request.result as unknown[])))),
    )
    db.close()
    return keys!
      .flatMap((key, i) => (Array.isArray(key) && key[2] === 'counter' && key.length === 3 ? [(values![i] as { state: { count: number } }).state.count] : []))
      .sort((a, b) => a - b)
  })

test('the leak report names the lines of the plugin that started what its teardown left', async ({ tab }) => {
  await open(tab)
  await save(LEAKY, (source) => source.replace("version: '1.0.0'", "version: '1.0.1'"))
  await expect.poll(() => reloads(tab, 'leaky')).toBe(1)
  const report = `plugin "leaky" (${LEAKY}) left 1 interval (every 777 ms, started at index.ts:11:3) and 1 "resize" listener on window (added at index.ts:15:10) after its teardown`
  await expect.poll(() => events(tab, 'leak-detected', 'leaky')).toEqual([expect.objectContaining({ message: report })])
  expect(await consoleLines(tab)).toContain(`[hot-plugins] ${report}`)
})

/** The devtools panel's elements, in its shadow root. */
const panel = (tab: EnginePage) =>
  tab.evaluate(() => {
    const root = document.querySelector('hot-plugins-devtools')?.shadowRoot
    const body = root?.querySelector<HTMLElement>('[data-testid="hp-panel"]')
    const shown = (element: Element | null | undefined) => !!element && getComputedStyle(element).display !== 'none' && element.getBoundingClientRect().width > 0
    return {
      badge: shown(root?.querySelector('[data-testid="hp-badge"]')),
      open: shown(body),
      entries: [...(root?.querySelectorAll<HTMLElement>('[data-testid="hp-history-entry"]') ?? [])].map((entry) => ({
        plugin: entry.dataset.plugin,
        outcome: entry.querySelector('[data-testid="hp-outcome"]')?.textContent,
        text: entry.textContent,
      })),
    }
  })

test('the devtools panel opens from its badge and shows the swap: plugin, file, outcome, state kept', async ({ tab }) => {
  await open(tab)
  expect(await panel(tab)).toMatchObject({ badge: true, open: false })
  await click(tab, 1)
  await saveCounterLabel('Panel')
  await expect.poll(() => reloads(tab, 'counter')).toBe(1)
  expect(await counter(tab)).toEqual({ label: 'Panel', value: '1 clicks', marker: 'loaded-once' })
  await tab.evaluate(() => document.querySelector('hot-plugins-devtools')!.shadowRoot!.querySelector<HTMLElement>('[data-testid="hp-badge"]')!.click())
  await expect.poll(() => panel(tab)).toMatchObject({ open: true, entries: [{ plugin: 'counter', outcome: 'swapped' }] })
  const [entry] = (await panel(tab)).entries
  expect(entry!.text).toContain('state kept')
  expect(entry!.text).toContain(COUNTER)
})

/** Opens a tab of the same profile as `tab` the way a browser duplicates it: with a copy of its sessionStorage. */
async function duplicate(tab: EnginePage): Promise<EnginePage> {
  const storage = await tab.evaluate(() => Object.fromEntries(Object.entries(sessionStorage)))
  const copy = await tab.openTab()
  // A page of the app's origin that runs none of it, to write the copy's sessionStorage before the app loads.
  await copy.goto(new URL(NOT_THE_APP, app.url).href)
  await copy.evaluate((entries) => {
    for (const [key, value] of Object.entries(entries)) sessionStorage.setItem(key, value)
  }, storage)
  await open(copy)
  return copy
}

test('a duplicated tab takes its own id (over BroadcastChannel) and a copy of the state; then each keeps its own', async ({ tab }) => {
  await open(tab)
  await click(tab, 3)
  await expect.poll(() => savedCounts(tab)).toEqual([3])
  const originalId = await tabId(tab)
  const copy = await duplicate(tab)
  // It starts where the original was, under an id of its own, in the page and in the dev server's status.
  expect(await counter(copy)).toMatchObject({ value: '3 clicks' })
  const copyId = await tabId(copy)
  expect(copyId).not.toBe(originalId)
  expect(await tabId(tab)).toBe(originalId)
  expect(await reportedBy(originalId)).toEqual(PLUGINS.map((plugin) => `${plugin}: idle`))

  // Each goes on with its own state, and gets its own back after a reload.
  await click(copy, 2)
  await click(tab, 1)
  await expect.poll(() => savedCounts(tab)).toEqual([4, 5])
  await open(tab, 'reload')
  await open(copy, 'reload')
  expect(await counter(tab)).toMatchObject({ value: '4 clicks' })
  expect(await counter(copy)).toMatchObject({ value: '5 clicks' })
  // A reload is no duplicate: both keep their ids.
  expect(await tabId(tab)).toBe(originalId)
  expect(await tabId(copy)).toBe(copyId)
  await copy.close()
})

test('the control API: GET status lists what the tab runs; POST reload swaps a plugin with its state', async ({ tab }) => {
  await open(tab)
  const id = await tabId(tab)
  // Only this test's tab is open: the others closed with their tests.
  await expect.poll(async () => (await status()).tabs).toBe(1)
  const before = (await status()).plugins.find((plugin) => plugin.id === 'counter')
  expect(before).toMatchObject({ id: 'counter', file: COUNTER, tabs: [{ tab: id, status: 'idle', reloadCount: 0, hotReload: true }] })
  await click(tab, 2)

  const answer = await fetch(controlUrl('reload'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'counter' }) })
  expect(answer.status).toBe(202)
  expect(await answer.json()).toEqual({ id: 'counter', tabs: 1 })
  await expect.poll(() => reloads(tab, 'counter')).toBe(1)
  expect(await counter(tab)).toMatchObject({ value: '2 clicks', marker: 'loaded-once' })
  expect(await consoleLines(tab)).toContain('[hot-plugins] reloading plugin "counter", as the dev server asked')
  await expect
    .poll(async () => (await status()).plugins.find((plugin) => plugin.id === 'counter')?.tabs)
    .toEqual([expect.objectContaining({ tab: id, status: 'idle', reloadCount: 1, lastReload: expect.objectContaining({ outcome: 'swapped' }) })])
})

