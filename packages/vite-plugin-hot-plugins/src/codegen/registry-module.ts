import { CLIENT_HOT_ENTRY, type RegistryConfig } from '@hot-plugins/client/protocol'
import type { DiscoveredPlugin } from '../discovery/discover-plugins.js'
import type { RemotePlugin } from '../remote/remote-plugins.js'

const json = JSON.stringify

/**
 * The `virtual:hot-plugins` module for the dev server. It is the HMR boundary of every plugin
 * entry: it accepts each entry by its literal URL (Vite finds accepted deps by reading the text),
 * so Vite imports a changed entry and hands the evaluated module to the hot engine, and the
 * registry is not re-run when a plugin changes — not even when a new version fails to load. When the
 * set of entries changes, the dev server updates the registry itself: it accepts its own update,
 * and its new version hands the new list to the registry that runs (kept in `import.meta.hot.data`).
 */
export function generateDevRegistry(plugins: readonly DiscoveredPlugin[], config: RegistryConfig, remotes: readonly RemotePlugin[] = []): string {
  // A remote's plugins come from its own dev server: Vite's updates never name them, so they are
  // not accepted here; the host's dev server relays their updates instead.
  const entries = [...plugins, ...remotes].map(
    (p) =>
      `  { id: ${json(p.id)}, file: ${json(p.file)}, url: ${json(p.url)}, load: () => import(${json(p.url)}) },`,
  )
  const accepts = plugins.map(
    (p) => `  import.meta.hot.accept(${json(p.url)}, (module) => registry.accept(${json(p.id)}, module))`,
  )
  return [
    `import { createHotRegistry } from ${json(CLIENT_HOT_ENTRY)}`,
    `const registry = createHotRegistry([`,
    ...entries,
    `], import.meta.hot, ${json(config)})`,
    `if (import.meta.hot) {`,
    ...accepts,
    `  // A new list of entries (created, deleted, moved) is taken by the registry that runs.`,
    `  import.meta.hot.accept()`,
    `}`,
    `export default registry.entries`,
    ``,
  ].join('\n')
}

/** The `virtual:hot-plugins` module for `vite build`: a plain list of lazy imports, no hot code. */
export function generateBuildRegistry(plugins: readonly DiscoveredPlugin[]): string {
  const entries = plugins.map(
    // A package by its name: the build resolves it with the build's own conditions.
    (p) => `  Object.freeze({ id: ${json(p.id)}, file: ${json(p.file)}, load: () => import(${json(p.package ?? p.absFile)}) }),`,
  )
  return [`export default Object.freeze([`, ...entries, `])`, ``].join('\n')
}
