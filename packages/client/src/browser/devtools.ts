import { createReloadHistory, errorDetails, recordHostEvents } from '../core/history.js'
import type { PluginHostEventName } from '../core/events.js'
import type { HostInternals } from '../core/internals.js'
import { consoleLogger } from '../core/logger.js'
import type { PluginModule } from '../core/types.js'
import type { RegistryEntryInit } from '../core/hot-source.js'
import { mountDevtoolsPanel } from '../overlay/panel.js'
import type { PanelActions } from '../overlay/plugins-view.js'
import { DEFAULT_OVERLAY, SESSION_HISTORY_KEY_PREFIX, type RegistryConfig } from '../protocol.js'
import { sessionStorageOrMemory } from './session.js'

const EVERY_EVENT: readonly PluginHostEventName[] = [
  'plugin-activated',
  'plugin-failed',
  'reload-started',
  'reload-completed',
  'reload-failed',
  'retrying',
  'full-reload',
  'state-restored',
  'warning',
]

export interface Devtools {
  /** Hand to the core registry: the first host that attaches is shown in the panel. */
  onAttach(internals: HostInternals): void
  /** Wraps the registry's accept: a plugin whose hot reload is off keeps its running version. */
  gate(accept: (id: string, module: PluginModule | undefined) => void): (id: string, module: PluginModule | undefined) => void
}

/**
 * The browser side of the devtools: the reload history (in sessionStorage, per project), the
 * per-plugin hot-reload switch, "reload now", and the panel, mounted when the first host attaches.
 */
export function createDevtools(inits: readonly RegistryEntryInit[], config: RegistryConfig): Devtools | undefined {
  const overlay = config.overlay ?? DEFAULT_OVERLAY
  if (overlay === false) return undefined
  const history = createReloadHistory({ storage: sessionStorageOrMemory(), key: SESSION_HISTORY_KEY_PREFIX + config.project })
  const urlById = new Map(inits.map((init) => [init.id, init.url]))
  const disabled = new Set<string>()
  const skipped = new Set<string>()
  let accept: ((id: string, module: PluginModule | undefined) => void) | undefined
  let shown: HostInternals | undefined

  const reloadNow = (id: string): void => {
    const url = urlById.get(id)
    if (url === undefined || !accept) return
    skipped.delete(id)
    const deliver = accept
    import(/* @vite-ignore */ `${config.base}${url.slice(1)}?t=${Date.now()}`).then(
      (module: PluginModule) => deliver(id, module),
      (error: unknown) => {
        consoleLogger.error(`reloading plugin "${id}" failed; it keeps running its current version`, error)
        history.add({ plugin: id, files: [], outcome: 'kept-old', error: errorDetails(error) })
      },
    )
  }
  const actions: PanelActions = {
    reloadNow,
    isHotReloadOn: (id) => !disabled.has(id),
    setHotReload(id, on) {
      if (on) disabled.delete(id)
      else disabled.add(id)
      // Saves made while it was off are applied now.
      if (on && skipped.has(id)) reloadNow(id)
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
      whenBodyReady(() =>
        mountDevtoolsPanel({
          position: overlay.position,
          open: overlay.open,
          history,
          actions,
          plugins: () => [...internals.records.values()],
          onPluginsChange(listener) {
            listeners.add(listener)
            const offs = EVERY_EVENT.map((type) => internals.events.on(type, listener))
            return () => {
              listeners.delete(listener)
              offs.forEach((off) => off())
            }
          },
        }),
      )
    },
    gate(next) {
      accept = next
      return (id, module) => {
        if (!disabled.has(id)) return next(id, module)
        skipped.add(id)
        consoleLogger.info(`hot reload of plugin "${id}" is off: it keeps running its current version`)
      }
    },
  }
}

function whenBodyReady(run: () => void): void {
  if (document.body) run()
  else document.addEventListener('DOMContentLoaded', run, { once: true })
}
