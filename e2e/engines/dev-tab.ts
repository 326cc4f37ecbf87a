import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { EnginePage } from './engine-page'
import { expect } from './fixtures'

// What the cross-engine dev-server specs share: saving a file as an editor does, loading the app in
// a tab with what its host emits and logs recorded in the page, and reading those records back.

/** What the page recorded of an event of its host. */
export interface Recorded {
  type: string
  id: string
  stateKept?: boolean
  outcome?: string
  message?: string
}

/** Saves a file under `root` in one go, as an editor does. */
export function saveFile(root: string, file: string, change: (source: string) => string): void {
  const before = readFileSync(path.join(root, file), 'utf8')
  const after = change(before)
  if (after === before) throw new Error(`the save of ${file} would change nothing`)
  writeFileSync(path.join(root, file), after)
}

/**
 * Loads the app at `url` in `tab` (or reloads it: `reload`), waits until every plugin runs, and
 * records in the page what the host emits and what it logs (WebDriver has no console in every
 * engine). The caller then waits until the tab has reported its plugins to the dev server.
 */
export async function openApp(tab: EnginePage, url: string, how: 'goto' | 'reload' = 'goto'): Promise<void> {
  if (how === 'goto') await tab.goto(url)
  else await tab.evaluate(() => void setTimeout(() => location.reload()))
  await expect
    .poll(() =>
      tab
        .evaluate(() => {
          const w = window as unknown as { __pageMarker?: string; pluginHost?: { plugins(): { status: string }[] } }
          const plugins = w.pluginHost?.plugins() ?? []
          return w.__pageMarker === undefined && plugins.length > 0 && plugins.every((p) => p.status === 'idle')
        })
        // A reload under way destroys the page the script ran in.
        .catch(() => false),
    )
    .toBe(true)
  await tab.evaluate(() => {
    const w = window as unknown as {
      __pageMarker: string
      __events: Recorded[]
      __console: string[]
      pluginHost: { on(type: string, handler: (event: Record<string, unknown>) => void): void }
    }
    w.__pageMarker = 'loaded-once'
    w.__events = []
    w.__console = []
    for (const type of ['reload-completed', 'reload-failed', 'leak-detected']) {
      w.pluginHost.on(type, (e) =>
        w.__events.push({
          type,
          id: e.id as string,
          stateKept: e.stateKept as boolean | undefined,
          outcome: e.outcome as string | undefined,
          message: (e.error as Error | undefined)?.message ?? (e.message as string | undefined),
        }),
      )
    }
    for (const level of ['info', 'warn', 'error'] as const) {
      const write = console[level].bind(console)
      console[level] = (...args: unknown[]) => {
        w.__console.push(args.map(String).join(' '))
        write(...args)
      }
    }
  })
}

/** The events of `type` for plugin `id` the page recorded since it was opened. */
export const events = async (tab: EnginePage, type: string, id: string) =>
  (await tab.evaluate(() => (window as unknown as { __events: Recorded[] }).__events)).filter((e) => e.type === type && e.id === id)

/** What the page logged since it was opened. */
export const consoleLines = (tab: EnginePage) => tab.evaluate(() => (window as unknown as { __console: string[] }).__console)

/** How many swaps of plugin `id` completed since the page was opened. */
export const reloads = async (tab: EnginePage, id: string) => (await events(tab, 'reload-completed', id)).length

/** Whether the page is still the one first loaded (set by `openApp`, gone after a reload). */
export const pageMarker = (tab: EnginePage) => tab.evaluate(() => (window as unknown as { __pageMarker?: string }).__pageMarker)
