import { pluginName, type RemoteUpdate } from '../protocol/index.js'
import type { StateStore } from '../engine/state/state.js'
import type { UpdateSink } from '../engine/update-source.js'
import type { PluginModule } from '../host/types.js'

export interface RemoteDevServerOptions {
  /** Imports a module by its absolute URL, with a query (`t=…`). */
  importModule(url: string, query: string): Promise<PluginModule>
  /** Called when a remote's new versions are on their way (a refused compile's overlay goes). */
  onUpdate?: () => void
}

/**
 * The updates of plugins from another dev server, as the host's dev server relays them over its
 * own HMR channel: the batch is announced to the engine like one of the host's, and each new
 * version is imported from the remote (Vite's updates of the host never name these modules). A
 * failed import goes to the engine as a failed arrival: it imports again to learn why.
 */
export function receiveRemoteUpdate(update: RemoteUpdate, sink: UpdateSink, options: RemoteDevServerOptions): void {
  sink.announced(update.announcement)
  if (update.modules.length > 0) options.onUpdate?.()
  for (const { id, url, timestamp } of update.modules) {
    sink.coming(id, timestamp)
    options.importModule(url, `t=${timestamp}`).then(
      (module) => sink.arrived(id, module),
      () => sink.arrived(id, undefined),
    )
  }
}

/**
 * The store, with the state of a remote's plugin kept under its name with the remote
 * (`charts@localhost:5174`): the state of a host's plugin and of a remote's of one id never mix, nor
 * do those of two remotes. `entries` are the plugins now; a plugin seen once keeps its name after it
 * is removed, so its state is found when it comes back.
 */
export function storeByPluginName(store: StateStore, entries: () => readonly { id: string; file: string }[]): StateStore {
  const names = new Map<string, string>()
  const nameOf = (id: string): string => {
    const entry = entries().find((e) => e.id === id)
    if (entry) names.set(id, pluginName(id, entry.file))
    return names.get(id) ?? id
  }
  return {
    load: (id) => store.load(nameOf(id)),
    saveMany: (records) => store.saveMany(records.map(([id, record]) => [nameOf(id), record] as const)),
    setAside: (id, record) => store.setAside(nameOf(id), record),
    clear: (id) => store.clear(id === undefined ? undefined : nameOf(id)),
  }
}
