import { HotEvents, type ControlCommand, type TabPluginStatus, type TabStatusReport } from '@hot-plugins/client/protocol'
import type { NormalizedHotChannel, NormalizedHotChannelClient } from 'vite'

/** A browser tab connected to the dev server whose runtime reports its plugins. */
export interface ConnectedTab {
  /** The tab's id (the same across its reloads). */
  readonly tab: string
  /** Its plugins by id, as last reported; times are on the server's clock. */
  readonly plugins: ReadonlyMap<string, TabPluginStatus>
  /** Sends a command to this tab only. */
  send(command: ControlCommand): void
}

export interface ConnectedTabs {
  /** The tabs that reported their plugins, in the order they first did. */
  list(): ConnectedTab[]
}

/** The part of the client environment's hot channel this needs. */
export type TabChannel = Pick<NormalizedHotChannel, 'on'>

interface TabEntry {
  tab: string
  plugins: Map<string, TabPluginStatus>
  client: NormalizedHotChannelClient
}

/**
 * Keeps what each connected tab reports about its plugins ({@link HotEvents.status}), keyed by the
 * tab's connection (one tracker per channel, however often asked for): Vite passes every listener the same client object for one connection, and
 * `vite:client:disconnect` with it when the connection closes, which forgets the tab.
 */
export function trackConnectedTabs(hot: TabChannel, now: () => number = Date.now): ConnectedTabs {
  const tracked = trackers.get(hot)
  if (tracked) return tracked
  const tabs = createTabTracker(hot, now)
  trackers.set(hot, tabs)
  return tabs
}

/** One tracker per channel: the control API and the Vite DevTools dock read the same one. */
const trackers = new WeakMap<TabChannel, ConnectedTabs>()

/** Asks every connected tab that runs plugin `id` (from `file`, when given) to reload it; returns those tabs. */
export function reloadInTabs(tabs: ConnectedTabs, id: string, file?: string): ConnectedTab[] {
  const targets = tabs.list().filter((tab) => tab.plugins.has(id) && (file === undefined || tab.plugins.get(id)!.file === file))
  for (const tab of targets) tab.send({ action: 'reload', id })
  return targets
}

function createTabTracker(hot: TabChannel, now: () => number): ConnectedTabs {
  const byClient = new Map<NormalizedHotChannelClient, TabEntry>()

  hot.on(HotEvents.status, (report: TabStatusReport, client) => {
    if (!isReport(report)) return
    let entry = byClient.get(client)
    if (!entry || entry.tab !== report.tab) {
      entry = { tab: report.tab, plugins: new Map(), client }
      byClient.set(client, entry)
    }
    if (report.full) entry.plugins.clear()
    // The tab's clock may differ from ours (a phone on the network): move its times onto ours.
    const skew = Number.isFinite(report.sentAt) ? now() - report.sentAt : 0
    for (const plugin of report.plugins) {
      if (typeof plugin?.id !== 'string') continue
      const lastReload = plugin.lastReload && { ...plugin.lastReload, at: plugin.lastReload.at + skew }
      entry.plugins.set(plugin.id, lastReload ? { ...plugin, lastReload } : plugin)
    }
  })
  hot.on('vite:client:disconnect', (_data, client) => {
    byClient.delete(client)
  })

  return {
    list: () =>
      [...byClient.values()].map(({ tab, plugins, client }) => ({
        tab,
        plugins,
        send: (command) => client.send(HotEvents.command, command),
      })),
  }
}

function isReport(value: unknown): value is TabStatusReport {
  const report = value as Partial<TabStatusReport> | null
  return typeof report?.tab === 'string' && Array.isArray(report.plugins)
}
