import { trackFailures } from './failures.js'
import { createReloadHistory, recordHostEvents } from './history.js'
import { PLUGIN_HOST_EVENTS } from '../host/events.js'
import type { HostCore } from '../host/core.js'
import type { HotRegistry } from '../engine/engine.js'
import { mountDevtoolsPanel } from './panel.js'
import type { PanelActions } from './plugins-view.js'
import { DEFAULT_OVERLAY, SESSION_HISTORY_KEY_PREFIX, type RegistryConfig } from '../protocol/index.js'
import { sessionStorageOrMemory } from '../browser/session.js'

export interface Devtools {
  /** Hand to the core registry: the first host that attaches is shown in the panel. */
  onAttach(internals: HostCore): void
}

/**
 * The browser side of the devtools: the reload history (in sessionStorage, per project) and the
 * panel, mounted when the first host attaches. Its switch is the host's own hot-reload setting, and
 * "reload now" goes through the registry, like a save.
 */
export function createDevtools(config: RegistryConfig, registry: () => Pick<HotRegistry, 'reloadNow'>): Devtools | undefined {
  const overlay = config.overlay ?? DEFAULT_OVERLAY
  if (overlay === false) return undefined
  const history = createReloadHistory({ storage: sessionStorageOrMemory(), key: SESSION_HISTORY_KEY_PREFIX + config.project })
  let shown: HostCore | undefined

  const actions: PanelActions = {
    reloadNow: (id) => registry().reloadNow(id),
    isHotReloadOn: (id) => shown?.hotReload.enabled(id) ?? true,
    setHotReload(id, on) {
      // Saves made while it was off apply now (the host hands them back to the registry).
      shown?.hotReload.set(id, on)
      notify()
    },
  }
  const listeners = new Set<() => void>()
  const notify = () => listeners.forEach((listener) => listener())

  return {
    onAttach(internals) {
      if (shown) return
      shown = internals
      recordHostEvents(internals.events, history, () => internals.now())
      // From now, not from when the page's body is there: a plugin may fail while the page loads.
      const failures = trackFailures(internals.events)
      whenBodyReady(() =>
        mountDevtoolsPanel({
          position: overlay.position,
          open: overlay.open,
          history,
          failures,
          actions,
          plugins: () => [...internals.records.values()],
          onPluginsChange(listener) {
            listeners.add(listener)
            const offs = PLUGIN_HOST_EVENTS.map((type) => internals.events.on(type, listener))
            return () => {
              listeners.delete(listener)
              offs.forEach((off) => off())
            }
          },
        }),
      )
    },
  }
}

function whenBodyReady(run: () => void): void {
  if (document.body) run()
  else document.addEventListener('DOMContentLoaded', run, { once: true })
}
