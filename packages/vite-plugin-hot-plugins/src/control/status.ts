import type { ControlStatus, ControlTabPluginStatus } from '@hot-plugins/client/protocol'
import type { ConnectedTab } from './connected-tabs.js'

/**
 * The status the control API answers: every plugin the dev server found (in discovery order), then
 * any other plugin a tab reports (a page loaded before an entry was removed), each with what every
 * connected tab says of it.
 */
export function buildStatus(
  discovered: readonly { id: string; file: string }[],
  tabs: readonly Pick<ConnectedTab, 'tab' | 'plugins'>[],
): ControlStatus {
  const plugins = discovered.map(({ id, file }) => ({ id, file, tabs: [] as ControlTabPluginStatus[] }))
  const byId = new Map(plugins.map((plugin) => [plugin.id, plugin]))
  for (const { tab, plugins: reported } of tabs) {
    for (const { id, file, ...status } of reported.values()) {
      let plugin = byId.get(id)
      if (!plugin) {
        plugin = { id, file, tabs: [] }
        byId.set(id, plugin)
        plugins.push(plugin)
      }
      plugin.tabs.push({ tab, ...status })
    }
  }
  return { tabs: tabs.length, plugins }
}

/** Ids of every plugin in a status, as a message lists them. */
export function knownIds(status: ControlStatus): string {
  return status.plugins.length === 0 ? '(none)' : status.plugins.map((plugin) => plugin.id).join(', ')
}
