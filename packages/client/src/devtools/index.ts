/**
 * `@hot-plugins/client/devtools`: the in-page devtools panel, its failure notice and the reload
 * history. Its own entry so that a page with `overlay: false` fetches none of it: the dev runtime
 * imports it on demand (see browser/devtools-loader.ts). It sees a host only through the public
 * `PluginHost`.
 */
import { trackFailures } from './failures.js'
import { createReloadHistory, recordHostEvents } from './history.js'
import { PLUGIN_HOST_EVENTS } from '../host/events.js'
import type { PluginHost } from '../host/host.js'
import { later } from '../host/timers.js'
import { mountDevtoolsPanel } from './panel.js'
import type { PanelActions } from './plugins-view.js'
import { DEFAULT_OVERLAY, SESSION_HISTORY_KEY_PREFIX, type OverlayConfig } from '../protocol/index.js'
import { pageClock, type EventClock } from '../browser/page-clock.js'
import { sessionStorageOrMemory } from '../browser/session.js'

/** What the devtools use of a host: its events, its plugins and their hot-reload switch. */
export type DevtoolsHost = Pick<PluginHost, 'on' | 'plugins' | 'isHotReloadEnabled' | 'enable' | 'disable'>

export interface DevtoolsOptions {
  /** The project's id (a hash of the Vite root): the history is kept per project and tab. */
  project: string
  /**
   * Where the panel sits and whether it starts open.
   * @default { position: 'bottom-right', open: false, badge: 'auto' }
   */
  overlay?: Exclude<OverlayConfig, false>
  /** Imports a plugin's current entry again and swaps it in ("Reload now"). */
  reloadNow(id: string): void
  /** @default performance.now and Date.now */
  clock?: EventClock
}

/**
 * Shows a host in the devtools: its events go into the reload history (in sessionStorage, per
 * project) and the failure tracker at once — a plugin may fail while the page loads — and the
 * panel mounts once the page's body is there. The panel's switch is the host's own hot-reload
 * setting.
 */
export function showDevtools(host: DevtoolsHost, options: DevtoolsOptions): void {
  const overlay = options.overlay ?? DEFAULT_OVERLAY
  const clock = options.clock ?? pageClock
  const history = createReloadHistory({ storage: sessionStorageOrMemory(), key: SESSION_HISTORY_KEY_PREFIX + options.project, now: clock.wall, persist: afterThisTask })
  recordHostEvents(host, history, clock.elapsed)
  const failures = trackFailures(host)

  const listeners = new Set<() => void>()
  const notify = () => listeners.forEach((listener) => listener())
  const actions: PanelActions = {
    reloadNow: (id) => options.reloadNow(id),
    isHotReloadOn: (id) => host.isHotReloadEnabled(id),
    setHotReload(id, on) {
      // Saves made while it was off apply now (the host hands them back to the engine).
      if (on) host.enable(id)
      else host.disable(id)
      notify()
    },
  }
  whenBodyReady(() =>
    mountDevtoolsPanel({
      position: overlay.position,
      open: overlay.open,
      badge: overlay.badge !== false,
      history,
      failures,
      actions,
      plugins: () => host.plugins(),
      onPluginsChange(listener) {
        listeners.add(listener)
        const offs = PLUGIN_HOST_EVENTS.map((type) => host.on(type, listener))
        return () => {
          listeners.delete(listener)
          offs.forEach((off) => off())
        }
      },
    }),
  )
}

function whenBodyReady(run: () => void): void {
  if (document.body) run()
  else document.addEventListener('DOMContentLoaded', run, { once: true })
}

/**
 * Runs `write` after the work of this task (a batch swaps all its plugins in one), or as the page
 * goes away (a reload the runtime makes right after an entry was added keeps the entry).
 */
function afterThisTask(write: () => void): void {
  const run = () => {
    cancel()
    removeEventListener('pagehide', run)
    write()
  }
  const cancel = later(run, 0)
  addEventListener('pagehide', run)
}
