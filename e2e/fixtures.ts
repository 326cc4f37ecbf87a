import { test as base, expect, type Page } from '@playwright/test'
import { startPlayground, type RunningPlayground } from './playground'

/** A host event as the page recorded it (errors flattened to their message). */
export interface RecordedEvent {
  type: string
  id: string
  stateKept?: boolean
  outcome?: string
  files?: string[]
  message?: string
}

interface PageGlobals {
  pluginHost?: {
    on(type: string, handler: (event: Record<string, unknown>) => void): void
    plugins(): { id: string; status: string }[]
  }
  __events?: RecordedEvent[]
  __pageMarker?: string
}

/** The playground's plugins, in the order the host starts them (sorted by entry file). */
export const PLAYGROUND_PLUGINS = ['clock', 'counter', 'notes', 'react-counter', 'vue-todos']

const HOST_EVENTS = ['plugin-activated', 'plugin-failed', 'reload-started', 'reload-completed', 'reload-failed', 'warning']

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
  /** Loads (or reloads) the page and waits until Vite's client is connected and every plugin runs. */
  open(): Promise<void>
}


export const test = base.extend<{ app: App }>({
  app: async ({ page }, use, testInfo) => {
    const playground = await startPlayground(testInfo.titlePath.slice(1).join('-'))
    const consoleLines: string[] = []
    page.on('console', (message) => consoleLines.push(message.text()))

    const app: App = {
      ...playground,
      page,
      console: consoleLines,
      async open() {
        const connected = page.waitForEvent('console', (m) => m.text().includes('[vite] connected'))
        await page.goto(playground.url)
        await connected
        await expect
          .poll(() => page.evaluate(() => (window as unknown as PageGlobals).pluginHost?.plugins().map((p) => `${p.id}:${p.status}`).join(' ')))
          .toBe(PLAYGROUND_PLUGINS.map((id) => `${id}:idle`).join(' '))
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
                })
              })
            }
          },
          { types: HOST_EVENTS, marker: 'loaded-once' },
        )
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
    await playground.close()
  },
})

export { expect }
