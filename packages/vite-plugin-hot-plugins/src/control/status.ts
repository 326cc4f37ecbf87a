import { pluginName, type ControlStatus, type ControlTabPluginStatus } from '@hot-plugins/client/protocol'
import type { ConnectedTab } from './connected-tabs.js'

/** A plugin as the status lists it. */
export type StatusPlugin = ControlStatus['plugins'][number]

/**
 * The status the control API answers: every plugin the dev server found (in discovery order), then
 * any other plugin a tab reports (a page loaded before an entry was removed), each with what every
 * connected tab says of it. A plugin is listed by its name, as the terminal names it: its id, and
 * for a remote dev server's plugin the remote too (`charts@localhost:5174`).
 */
export function buildStatus(
  discovered: readonly { id: string; file: string }[],
  tabs: readonly Pick<ConnectedTab, 'tab' | 'plugins'>[],
): ControlStatus {
  const plugins = discovered.map(({ id, file }) => ({ id: pluginName(id, file), file, tabs: [] as ControlTabPluginStatus[] }))
  const byName = new Map(plugins.map((plugin) => [plugin.id, plugin]))
  for (const { tab, plugins: reported } of tabs) {
    for (const { id, file, ...status } of reported.values()) {
      const name = pluginName(id, file)
      let plugin = byName.get(name)
      if (!plugin) {
        plugin = { id: name, file, tabs: [] }
        byName.set(name, plugin)
        plugins.push(plugin)
      }
      plugin.tabs.push({ tab, ...status })
    }
  }
  return { tabs: tabs.length, plugins }
}

/** The plugin's id in the page (its name without the remote): what a tab is told. */
export function pageId(plugin: StatusPlugin): string {
  return plugin.file.startsWith('//') ? plugin.id.slice(0, plugin.id.lastIndexOf('@')) : plugin.id
}

/**
 * The plugin a command names: by its name as the status lists it (`charts@localhost:5174`), or by
 * its id alone (`charts`) when only one plugin has that id. `ambiguous`: the plugins that have it.
 */
export function findPlugin(status: ControlStatus, requested: string): { plugin: StatusPlugin } | { ambiguous: StatusPlugin[] } | undefined {
  const named = status.plugins.find((plugin) => plugin.id === requested)
  if (named) return { plugin: named }
  const byId = status.plugins.filter((plugin) => pageId(plugin) === requested)
  if (byId.length === 0) return undefined
  return byId.length === 1 ? { plugin: byId[0]! } : { ambiguous: byId }
}

/** Names of every plugin in a status, as a message lists them. */
export function knownIds(status: ControlStatus): string {
  return status.plugins.length === 0 ? '(none)' : status.plugins.map((plugin) => plugin.id).join(', ')
}
