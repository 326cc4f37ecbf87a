import path from 'node:path'
import { escapePath } from 'tinyglobby'
import { normalizePath, searchForWorkspaceRoot, type UserConfig } from 'vite'
import type { ResolvedHotPluginsOptions } from '../options.js'
import { globBase, isOutsideRoot, rootRelative } from './path-globs.js'
import { findPluginPackages } from './plugin-packages.js'

/** What the dev server needs for plugins outside the Vite root and plugin packages. */
export interface WorkspaceServeConfig {
  /** Plugin packages: served as source (never pre-bundled), one instance for the registry and any importer. */
  exclude: string[]
  /** The packages' entries, for the dependency scanner (root-relative globs). */
  entries: string[]
  /** Folders to add to `server.fs.allow`, or undefined when every plugin is inside the root. */
  allow: string[] | undefined
}

/**
 * The folders the `plugins` globs start in outside the root, and the real folders of the plugin
 * packages, are added to `server.fs.allow` so that the dev server serves those entries; Vite's own
 * default (the workspace root) is kept when the user set no list, since any list replaces it.
 */
export function workspaceServeConfig(config: UserConfig, options: ResolvedHotPluginsOptions): WorkspaceServeConfig {
  const root = path.resolve(config.root ?? process.cwd())
  const packages = findPluginPackages(root, options.packages).found
  const outside = [
    ...globFoldersOutsideRoot(root, options.plugins),
    ...packages.map((p) => p.dir).filter((dir) => isOutsideRoot(rootRelative(root, dir))),
  ]
  const allow = outside.length === 0 ? undefined : [...(config.server?.fs?.allow ? [] : [searchForWorkspaceRoot(root)]), ...new Set(outside)]
  return {
    exclude: packages.map((p) => p.name),
    entries: packages.map((p) => escapePath(rootRelative(root, p.entry))),
    allow,
  }
}

/**
 * The folders outside the root that `plugins` globs start in (absolute). Vite watches the root, and
 * files outside it only once loaded: the dev server watches these too, so that entries created,
 * deleted or moved there are seen as under src/.
 */
export function globFoldersOutsideRoot(root: string, globs: readonly string[]): string[] {
  return [...new Set(globs.map(globBase).filter(isOutsideRoot).map((base) => normalizePath(path.resolve(root, base))))]
}
