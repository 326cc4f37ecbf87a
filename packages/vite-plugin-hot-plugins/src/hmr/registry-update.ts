import type { DevEnvironment, EnvironmentModuleNode } from 'vite'

// One clock for every updater (the entry set's, the remotes'): two updates never share a `?t=`.
let lastTimestamp = 0

/**
 * Sends the update of the registry module itself (the set of plugins changed). It is what
 * `environment.reloadModule(registry)` does for a module that accepts its own updates — invalidate
 * it under a new timestamp, send one `js-update` whose boundary is the module — without Vite's
 * terminal line `hmr update virtual:hot-plugins`, which names no file: the dev server logs what
 * changed instead.
 */
export function createRegistryUpdater() {
  return (environment: DevEnvironment, registry: EnvironmentModuleNode): void => {
    if (environment.config.server.hmr === false) return
    // Each version needs its own `?t=`, however quickly two updates follow each other.
    const timestamp = (lastTimestamp = Math.max(Date.now(), lastTimestamp + 1))
    environment.moduleGraph.invalidateModule(registry, new Set(), timestamp, true)
    environment.hot.send({
      type: 'update',
      updates: [{ type: 'js-update', timestamp, path: registry.url, acceptedPath: registry.url, explicitImportRequired: false, isWithinCircularImport: false }],
    })
  }
}
