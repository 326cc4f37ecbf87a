import path from 'node:path'
import picomatch from 'picomatch'
import { escapePath } from 'tinyglobby'
import { normalizePath, type ResolvedConfig } from 'vite'
import type { DiscoveredPlugin } from './discover-plugins.js'
import { inNodeModules } from './path-globs.js'

/** What tells whether a save of a file can reach the page as a hot update. */
export interface HotReachChecks {
  /** The `include`/`exclude` filter, on root-relative paths. */
  mayReload(file: string): boolean
  /** Whether Vite's dev server may serve this absolute file (`server.fs.allow`, `server.fs.deny`). */
  isServed(absFile: string): boolean
  /** Whether Vite's file watcher may report changes of this absolute file (`server.watch`). */
  isWatched(absFile: string): boolean
}

/**
 * Whether Vite's watcher may see a file: not when watching is off (`server.watch: null`), nor when
 * `server.watch.ignored` or Vite's own ignored folders (its cache, test results) name it. Vite
 * matches `ignored` globs on absolute paths.
 */
export function createWatchedCheck(config: Pick<ResolvedConfig, 'server' | 'cacheDir'>): (absFile: string) => boolean {
  const watch = config.server.watch
  if (watch === null) return () => false
  const ignored = [`${escapePath(normalizePath(config.cacheDir))}/**`, '**/test-results/**']
  const user = watch?.ignored === undefined ? [] : Array.isArray(watch.ignored) ? watch.ignored : [watch.ignored]
  const tests = [
    ...ignored.map((glob) => picomatch(glob, { dot: true })),
    ...user.map((rule): ((file: string) => boolean) => {
      if (typeof rule === 'string') return picomatch(rule, { dot: true })
      if (rule instanceof RegExp) return (file) => rule.test(file)
      if (typeof rule === 'function') return (file) => (rule as (file: string) => boolean)(path.normalize(file))
      return () => false
    }),
  ]
  return (absFile) => !tests.some((test) => test(absFile))
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
  if (!checks.isWatched(plugin.absFile)) {
    return "Vite's file watcher ignores it (server.watch), so its saves never reach the dev server"
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
