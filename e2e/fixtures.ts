import { writeFile } from 'node:fs/promises'
import { test as base, expect, type Page } from '@playwright/test'
import { PLUGIN_HOST_EVENTS } from '../packages/client/src/host/events'
import { startPlayground, type PlaygroundCopy, type RunningPlayground } from './playground'

/** A host event as the page recorded it (errors flattened to their message). */
export interface RecordedEvent {
  type: string
  id: string
  stateKept?: boolean
  outcome?: string
  files?: string[]
  message?: string
  batch?: number
  via?: string
}

export interface PageGlobals {
  pluginHost?: {
    on(type: string, handler: (event: Record<string, unknown>) => void): void
    plugins(): { id: string; file: string; status: string }[]
  }
  __events?: RecordedEvent[]
  __pageMarker?: string
}

export interface App extends RunningPlayground {
  page: Page
  /** Console lines the page printed. */
  console: string[]
  /** Host events recorded since the page loaded, optionally of one type and plugin. */
  events(type?: string, id?: string): Promise<RecordedEvent[]>
  /** Waits until plugin `id` has completed `count` hot reloads in total. */
  waitForReloads(id: string, count: number): Promise<void>
  /** Fails if the page was reloaded since it was first loaded. */
  expectNoPageReload(): Promise<void>
  /** Loads the page and waits until Vite's client is connected and every plugin runs. */
  open(url?: string): Promise<void>
  /** Call before what reloads the page: resolves once it has reloaded, connected, and every plugin runs. */
  expectReload(): Promise<void>
  /** Waits until IndexedDB holds this state for the plugin (compared as JSON). */
  waitForSavedState(pluginId: string, state: unknown): Promise<void>
}

/** The persisted states of a plugin in this page's origin, as JSON (every project and tab). */
export function savedStates(page: Page, pluginId: string): Promise<string[]> {
  return page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hot-plugins')
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    if (!db.objectStoreNames.contains('plugin-state')) return []
    const store = db.transaction('plugin-state').objectStore('plugin-state')
    const [keys, values] = await Promise.all(
      [store.getAllKeys(), store.getAll()].map(
        (request) => new Promise<unknown[]>((resolve) => (request.onsuccess = () => resolve(request.result as unknown[]))),
      ),
    )
    db.close()
    return keys!.flatMap((key, i) => (Array.isArray(key) && key[2] === id && key.length === 3 ? [JSON.stringify((values![i] as { state: unknown }).state)] : []))
  }, pluginId)
}

/**
 * Makes the counter's `activate` throw on three saves in a row ('broken 1'…'broken 3'); resolves
 * once the fallback full reload that follows has loaded the page again.
 */
export async function breakCounterUntilFallbackReload(app: App): Promise<void> {
  const counter = 'src/plugins/counter/index.ts'
  const failures = async () => (await app.events('reload-failed', 'counter')).length
  await app.edit(counter, "  ctx.setTitle('Counter')", "  ctx.setTitle('Counter')\n  throw new Error('broken 1')")
  await expect.poll(failures).toBe(1)
  await app.edit(counter, 'broken 1', 'broken 2')
  await expect.poll(failures).toBe(2)
  const reloaded = app.expectReload()
  await app.edit(counter, 'broken 2', 'broken 3')
  await reloaded
}

/** The dev server's terminal lines that hold `text`, without their colours. */
export function terminalLines(app: Pick<App, 'logs'>, text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return app.logs.map((line) => line.replace(/\u001b\[[0-9;]*m/g, '')).filter((line) => line.includes(text))
}

/**
 * Fails if a line the page's console or the dev server's terminal printed holds a NUL byte, raw or
 * as Vite writes it in a URL (`__x00__`): each line names what it is about in words a person reads.
 */
export function expectNoNulByte(app: Pick<App, 'console' | 'logs'>): void {
  const unreadable = (line: string) => line.includes('\0') || line.includes('__x00__')
  expect(app.console.filter(unreadable), 'page console').toEqual([])
  expect(app.logs.filter(unreadable), 'dev server terminal').toEqual([])
}

/** Sets the `hotPlugins()` options of the copy's vite.config.ts (before its server starts). */
export function withHotPluginsOptions(options: string): (copy: PlaygroundCopy) => Promise<void> {
  return (copy) =>
    copy.edit('vite.config.ts', "hotPlugins({ plugins: 'src/plugins/*/index.{ts,tsx}',", `hotPlugins({ plugins: 'src/plugins/*/index.{ts,tsx}', ${options},`)
}

export const test = base.extend<{
  app: App
  hotPluginsOptions: string | undefined
  appCopy: { make(name: string): Promise<PlaygroundCopy> } | undefined
}>({
  /** Extra `hotPlugins()` options for the copy's vite.config.ts, as source text. */
  hotPluginsOptions: [undefined, { option: true }],
  /** Makes the app to run instead of a plain copy of the playground (e.g. a workspace around it). */
  appCopy: [undefined, { option: true }],
  app: async ({ page, hotPluginsOptions, appCopy }, use, testInfo) => {
    const prepare = hotPluginsOptions === undefined ? undefined : withHotPluginsOptions(hotPluginsOptions)
    const name = testInfo.titlePath.slice(1).join('-')
    const copy = await appCopy?.make(name)
    const playground = await startPlayground(name, { prepare, ...(copy ? { copy } : {}) })
    const consoleLines: string[] = []
    page.on('console', (message) => consoleLines.push(message.text()))

    const installRecorder = async () => {
      await expect
        .poll(() =>
          page.evaluate(() => {
            const plugins = (window as unknown as PageGlobals).pluginHost?.plugins() ?? []
            return plugins.length > 0 && plugins.every((p) => p.status !== 'starting' && p.status !== 'reloading')
          }),
        )
        .toBe(true)
      await page.evaluate(
        ({ types, marker }) => {
          const w = window as unknown as PageGlobals
          w.__events = []
          w.__pageMarker = marker
          for (const type of types) {
            w.pluginHost!.on(type, (e) => {
              const error = e.error as Error | undefined
              w.__events!.push({
                type,
                id: e.id as string,
                stateKept: e.stateKept as boolean | undefined,
                files: e.files as string[] | undefined,
                outcome: e.outcome as string | undefined,
                message: error?.message ?? (e.message as string | undefined),
                batch: e.batch as number | undefined,
                via: e.via as string | undefined,
              })
            })
          }
        },
        { types: [...PLUGIN_HOST_EVENTS], marker: 'loaded-once' },
      )
    }

    const app: App = {
      ...playground,
      page,
      console: consoleLines,
      async open(url = playground.url) {
        const ready = app.expectReload()
        await page.goto(url)
        await ready
      },
      expectReload() {
        const connected = page.waitForEvent('console', { predicate: (m) => m.text().includes('[vite] connected'), timeout: 20_000 })
        return connected.then(installRecorder)
      },
      async waitForSavedState(pluginId, state) {
        await expect.poll(() => savedStates(page, pluginId)).toContain(JSON.stringify(state))
      },
      async events(type, id) {
        const all = await page.evaluate(() => (window as unknown as PageGlobals).__events ?? [])
        return all.filter((e) => (type === undefined || e.type === type) && (id === undefined || e.id === id))
      },
      async waitForReloads(id, count) {
        await expect.poll(async () => (await app.events('reload-completed', id)).length).toBe(count)
      },
      async expectNoPageReload() {
        expect(await page.evaluate(() => (window as unknown as PageGlobals).__pageMarker), 'the page was reloaded').toBe('loaded-once')
      },
    }
    await app.open()
    await use(app)
    // On a failure, what the dev server and the page printed says which event came when.
    if (testInfo.status !== testInfo.expectedStatus) {
      const logs = testInfo.outputPath('logs.txt')
      await writeFile(logs, `dev server:\n${playground.logs.join('\n')}\n\npage console:\n${consoleLines.join('\n')}\n`)
      await testInfo.attach('logs', { path: logs })
    }
    await playground.close()
    await copy?.remove()
  },
})

export { expect }
