import { LOG_PREFIX, type ControlStatus, type LastReload } from '@hot-plugins/client/protocol'

/** Characters of a tab's id shown in the listing: enough to tell tabs apart. */
const TAB_ID_LENGTH = 8

/**
 * What the terminal shortcut prints: each plugin (by its name in the status, as the control API
 * lists it: `charts@localhost:5174` for a remote's) with its status, version, reload count and last
 * reload (outcome, duration, how long ago), per connected tab; `now` is the server's clock.
 */
export function formatPluginListing(status: ControlStatus, now: number): string {
  const count = `${status.plugins.length} plugin${status.plugins.length === 1 ? '' : 's'}`
  if (status.tabs === 0) {
    const ids = status.plugins.map((plugin) => plugin.id).join(', ')
    return `${LOG_PREFIX} no browser tab is connected; open the app to see its plugins run (${count}${ids ? `: ${ids}` : ''})`
  }
  const perTab = status.tabs > 1
  const header = ['plugin', ...(perTab ? ['tab'] : []), 'status', 'version', 'reloads', 'last reload']
  const rows: string[][] = []
  for (const plugin of status.plugins) {
    if (plugin.tabs.length === 0) {
      rows.push([plugin.id, ...(perTab ? ['–'] : []), '–', '–', '–', 'not running in any tab'])
      continue
    }
    for (const tab of plugin.tabs) {
      const state = tab.hotReload || tab.status === 'disabled' ? tab.status : `${tab.status} (hot reload off)`
      rows.push([
        plugin.id,
        ...(perTab ? [tab.tab.slice(0, TAB_ID_LENGTH)] : []),
        state,
        tab.version ?? '–',
        String(tab.reloadCount),
        tab.lastReload ? describeReload(tab.lastReload, now) : '–',
      ])
    }
  }
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)))
  // The last column is not padded: an error message may be long.
  const line = (row: string[]) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`
  const tabs = `${status.tabs} tab${status.tabs === 1 ? '' : 's'}`
  return [`${LOG_PREFIX} ${count} in ${tabs}`, line(header), ...rows.map(line)].join('\n')
}

/** `swapped in 12 ms, 5 s ago`, `rolled back after 8 ms, 2 min ago: <error>`. */
export function describeReload(reload: LastReload, now: number): string {
  const took = reload.durationMs === undefined ? '' : ` ${Math.round(reload.durationMs)} ms`
  const what =
    reload.outcome === 'swapped'
      ? `swapped${took && ` in${took}`}`
      : `${failureText(reload)}${took && ` after${took}`}`
  const error = reload.error === undefined ? '' : `: ${reload.error.split('\n')[0]}`
  return `${what}, ${formatAgo(now - reload.at)}${error}`
}

/** What a failed reload left: `failed, not running` for a plugin that never started (no old version to keep). */
function failureText(reload: Pick<LastReload, 'outcome' | 'running'>): string {
  if (reload.running === false) return 'failed, not running'
  return reload.outcome === 'rolled-back' ? 'rolled back' : 'kept the old version'
}

/** How long ago, as a person says it: `just now`, `12 s ago`, `3 min ago`, `2 h ago`. */
export function formatAgo(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000)
  if (seconds < 1) return 'just now'
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`
  return `${Math.floor(seconds / 86_400)} d ago`
}
