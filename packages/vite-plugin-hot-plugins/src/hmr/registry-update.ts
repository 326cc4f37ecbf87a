import type { DevEnvironment, EnvironmentModuleNode } from 'vite'

// One clock for every updater (the entry set's, the remotes'): two updates never share a `?t=`.
let lastTimestamp = 0

/**
 * Sends the update of the registry module itself (the set of plugins changed). It is what
 * `environment.reloadModule(registry)` does for a module that accepts its own updates — invalidate
 * it under a new timestamp, send one `js-update` whose boundary is the module — without Vite's
 * terminal line `hmr update virtual:hot-plugins`, which names no file: the dev server logs what
 * changed instead. (`reloadModule` would not do in any case: Vite 7 reloads only modules with a file.)
 */
export function createRegistryUpdater() {
  return (environment: DevEnvironment, registry: EnvironmentModuleNode): void => {
    if (environment.config.server.hmr === false) return
    // Each version needs its own `?t=`, however quickly two updates follow each other.
    const timestamp = (lastTimestamp = Math.max(Date.now(), lastTimestamp + 1))
    environment.moduleGraph.invalidateModule(registry, new Set(), timestamp, true)
    environment.hot.send({
      type: 'update',
      updates: hotPaths(registry.url).map((path) => ({
        type: 'js-update' as const,
        timestamp,
        path,
        acceptedPath: path,
        explicitImportRequired: false,
        isWithinCircularImport: false,
      })),
    })
  }
}

/**
 * The URLs under which the page's hot context may know a virtual module. Both Vite 7 and 8 keep a
 * virtual module's id (`virtual:hot-plugins`, or another plugin's `\0virtual:…`) as its URL; Vite 8
 * names the hot context by it too, Vite 7 by the served form (`/@id/virtual:…`, a NUL byte written
 * `__x00__`). An update under a path no hot context has is dropped by the page without a word, so
 * the update names both forms: the page applies the one it knows, once, and skips the other.
 */
export function hotPaths(url: string): string[] {
  if (url.startsWith('/') || url.startsWith('.')) return [url]
  return [url, `/@id/${url.replace('\0', '__x00__')}`]
}
