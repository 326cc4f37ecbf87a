import type { DiscoveredPlugin } from './discovery.js'
import { inNodeModules } from './path-globs.js'

/** What tells whether a save of a file can reach the page as a hot update. */
export interface HotReachChecks {
  /** The `include`/`exclude` filter, on root-relative paths. */
  mayReload(file: string): boolean
  /** Whether Vite's dev server may serve this absolute file (`server.fs.allow`, `server.fs.deny`). */
  isServed(absFile: string): boolean
}

/**
 * Why saves of a plugin's entry cannot hot-reload it although the plugin is found (and may run),
 * or undefined when they can.
 */
export function whyNotHotReloadable(plugin: DiscoveredPlugin, checks: HotReachChecks): string | undefined {
  if (inNodeModules(plugin.absFile)) {
    return plugin.package === undefined
      ? 'it lies inside node_modules, which Vite neither watches nor hot-updates'
      : `package "${plugin.package}" is installed in node_modules, not linked, and Vite neither watches nor hot-updates files there; make it a workspace package (pnpm, npm or yarn workspaces link it) to hot-reload it`
  }
  if (!checks.isServed(plugin.absFile)) {
    return "it is outside Vite's server.fs.allow, so the dev server refuses to serve it; add its folder to server.fs.allow"
  }
  if (!checks.mayReload(plugin.file)) return 'the "include"/"exclude" options filter it out, so its saves reload nothing'
  return undefined
}

/** The warning for a plugin that runs but cannot hot-reload. */
export function describeNotHotReloadable(plugin: DiscoveredPlugin, reason: string): string {
  return `plugin "${plugin.id}" (${plugin.file}) cannot hot-reload: ${reason}. It still runs, with the code the page loaded.`
}
