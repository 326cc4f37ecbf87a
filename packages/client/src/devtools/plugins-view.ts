import type { FailureOutcome, FailureTracker } from './failures.js'
import type { PluginInfo } from '../host/types.js'
import { pluginName, timeOfDay } from '../protocol/index.js'
import { formatMs, h } from './dom.js'

/** What the panel can do to a plugin. */
export interface PanelActions {
  /** Imports the plugin's current entry again and swaps it in. */
  reloadNow(id: string): void
  /** Turns hot reload of one plugin on or off (off: saves leave the running version alone). */
  setHotReload(id: string, on: boolean): void
  isHotReloadOn(id: string): boolean
}

/** The Plugins view: one row per plugin, with its switch and "Reload now". */
export function renderPlugins(plugins: readonly PluginInfo[], actions: PanelActions, failures: Pick<FailureTracker, 'get'>): HTMLElement {
  if (plugins.length === 0) return h('p', { class: 'empty', text: 'No plugins started yet.' })
  const head = h('tr', {}, ...['Plugin', 'Version', 'Status', 'Reloads', 'Last', 'Hot', ''].map((text) => h('th', { text })))
  const rows = plugins.map((plugin) => {
    const on = actions.isHotReloadOn(plugin.id)
    const status = on ? plugin.status : 'disabled'
    const toggle = h('input', { attrs: { type: 'checkbox', 'aria-label': `hot reload ${plugin.id}` } })
    toggle.checked = on
    toggle.addEventListener('change', () => actions.setHotReload(plugin.id, toggle.checked))
    const reload = h('button', { class: 'action', text: 'Reload now', attrs: { type: 'button', 'aria-label': `Reload now: ${plugin.id}` } })
    reload.addEventListener('click', () => actions.reloadNow(plugin.id))
    return h(
      'tr',
      { testid: 'hp-plugin-row', attrs: { 'data-plugin': plugin.id } },
      // A remote dev server's plugin is named with it: `charts@localhost:5174`.
      h('td', { class: 'plugin', text: pluginName(plugin.id, plugin.file), attrs: { title: plugin.file } }),
      h('td', { text: plugin.version ?? '–' }),
      h(
        'td',
        { class: `status-${status}`, text: statusText(status, failures.get(plugin.id)?.outcome), testid: 'hp-plugin-status' },
        plugin.lastGood &&
          h('div', {
            class: 'last-good',
            text: `runs its last good version from ${timeOfDay(plugin.lastGood.since)}; the file on disk fails: ${plugin.lastGood.error}`,
            testid: 'hp-last-good',
          }),
      ),
      h('td', { class: 'num', text: String(plugin.reloadCount) }),
      h('td', { class: 'num', text: formatMs(plugin.lastReloadMs) }),
      h('td', {}, h('label', { class: 'switch' }, toggle)),
      h('td', {}, reload),
    )
  })
  return h('table', {}, h('thead', {}, head), h('tbody', {}, ...rows))
}

/**
 * A status as the panel says it. `rolled-back` (the previous version runs) covers a new version
 * that never ran, refused or failing to load: that one "kept old version", as in the history.
 */
function statusText(status: PluginInfo['status'], failed: FailureOutcome | undefined): string {
  if (status !== 'rolled-back') return status
  return failed === 'kept-old' ? 'kept old version' : 'rolled back'
}
