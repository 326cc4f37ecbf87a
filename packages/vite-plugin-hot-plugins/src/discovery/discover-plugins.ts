import { LOG_PREFIX } from '@hot-plugins/client/protocol'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { init } from 'es-module-lexer'
import { globSync } from 'tinyglobby'
import { normalizePath } from 'vite'
import { createPathMatcher, inNodeModules, rootRelative } from './path-globs.js'
import { findPluginPackages, type PluginPackage } from './plugin-packages.js'
import { defaultPluginId, readStaticMetaId } from './plugin-ids.js'

/** A plugin entry found by the `plugins` globs. */
export interface DiscoveredPlugin {
  id: string
  /** Posix path relative to the Vite root: what users read in messages. */
  file: string
  /** Absolute posix path: what Vite's module graph keys files by. */
  absFile: string
  /** The URL the dev server serves the entry at. */
  url: string
  /** The package name, for a plugin found by `{ packages }`. */
  package?: string
  /** The package's real folder (absolute posix), for a plugin found by `{ packages }`. */
  packageDir?: string
}

/** Thrown when two entries would get the same plugin id. */
export class DuplicatePluginIdError extends Error {
  override readonly name = 'DuplicatePluginIdError'
  constructor(
    readonly id: string,
    readonly files: [string, string],
  ) {
    super(
      `${LOG_PREFIX} two plugin entries have the id "${id}": ${files[0]} and ${files[1]}. ` +
        `Rename one folder (or file), or give one a distinct id with \`export const meta = { id: '…' }\`.`,
    )
  }
}

const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**']

/**
 * Finds every plugin entry matching `patterns` (relative to `root`, outside it too), sorted by
 * file, then the entries of the plugin packages named by `packages`, with unique ids. A package
 * that matches but has no entry is reported, not fatal.
 *
 * It reads the file system synchronously on purpose. It runs as the dev server starts, while the
 * file watcher's first crawl fills libuv's thread pool with a stat call per file and folder of the
 * project; an asynchronous read of each entry waits in line behind all of them. With 1,000 entries
 * that made the server start in about 1 s instead of 50 ms.
 */
export async function discoverPlugins(
  root: string,
  patterns: string[],
  packages: readonly string[] = [],
  report: (problem: string) => void = () => {},
  lookalikes?: LookalikeSearch,
): Promise<DiscoveredPlugin[]> {
  const files = crawl(root, patterns, lookalikes)
  await init
  const plugins: DiscoveredPlugin[] = []
  for (const file of files.map(normalizePath).sort()) {
    const absFile = normalizePath(path.resolve(root, file))
    plugins.push(describeEntry(root, absFile, readFileSync(absFile, 'utf8')))
  }
  const search = findPluginPackages(root, packages)
  search.problems.forEach(report)
  for (const found of search.found) {
    if (plugins.some((p) => p.absFile === found.entry)) continue
    plugins.push(describeEntry(root, found.entry, readFileSync(found.entry, 'utf8'), found))
  }
  assertUniqueIds(plugins)
  return plugins
}

/**
 * Files named like entries that no glob matches, looked for in the crawl discovery makes anyway:
 * a second crawl of the plugin folders cost as much again at the dev server's start.
 */
export interface LookalikeSearch {
  /** Globs of files named like entries, in any script extension. */
  patterns: readonly string[]
  /** Called with those of them (root-relative) that the entry globs do not match. */
  found(files: string[]): void
}

/** The entry files (root-relative, as found), and the look-alikes handed to `lookalikes.found`. */
function crawl(root: string, patterns: string[], lookalikes: LookalikeSearch | undefined): string[] {
  const extra = lookalikes?.patterns ?? []
  if (patterns.length === 0 && extra.length === 0) {
    lookalikes?.found([])
    return []
  }
  const all = globSync([...patterns, ...extra], { cwd: root, ignore: ALWAYS_IGNORED, onlyFiles: true, expandDirectories: false })
  if (!lookalikes || extra.length === 0) {
    lookalikes?.found([])
    return all
  }
  const isEntry = createPathMatcher(patterns, { dot: false })
  const isLookalike = createPathMatcher(extra, { dot: false })
  // A file only the look-alike globs name is no entry; every other file a glob found is one.
  const entries: string[] = []
  const others: string[] = []
  for (const file of all) {
    const posix = normalizePath(file)
    ;(isLookalike(posix) && !isEntry(posix) ? others : entries).push(file)
  }
  lookalikes.found(others.map(normalizePath).sort())
  return entries
}

function describeEntry(root: string, absFile: string, code: string, found?: PluginPackage): DiscoveredPlugin {
  const file = rootRelative(root, absFile)
  const plugin: DiscoveredPlugin = { id: readStaticMetaId(code) ?? found?.name ?? defaultPluginId(file), file, absFile, url: toServedUrl(root, absFile) }
  if (found !== undefined) {
    plugin.package = found.name
    plugin.packageDir = found.dir
  }
  return plugin
}

/** The id a plugin has without `meta.id`: its package name, or what its entry path says. */
export function defaultIdOf(plugin: Pick<DiscoveredPlugin, 'file' | 'package'>): string {
  return plugin.package ?? defaultPluginId(plugin.file)
}

function assertUniqueIds(plugins: readonly Pick<DiscoveredPlugin, 'id' | 'file'>[]): void {
  const seen = new Map<string, string>()
  for (const { id, file } of plugins) {
    const other = seen.get(id)
    if (other !== undefined) throw new DuplicatePluginIdError(id, [other, file])
    seen.set(id, file)
  }
}

/** A matcher telling whether a root-relative posix path (`../` outside the root) is matched by the entry globs. */
export function createEntryMatcher(patterns: string[]): (file: string) => boolean {
  const match = createPathMatcher(patterns, { dot: false })
  return (file) => !inNodeModules(file) && match(file)
}

/** Whether a change of a root-relative posix path (`../` outside the root) may reload a plugin: included and not excluded. */
export function createReloadFilter(include: string[], exclude: string[]): (file: string) => boolean {
  const included = createPathMatcher(include, { dot: true })
  const excluded = createPathMatcher(exclude, { dot: true })
  return (file) => included(file) && !excluded(file)
}

/** The URL under which Vite's dev server serves a file: root-relative inside the root, else /@fs/. */
export function toServedUrl(root: string, absFile: string): string {
  const relative = path.posix.relative(normalizePath(root), absFile)
  const outside = relative.startsWith('../') || path.posix.isAbsolute(relative)
  return outside ? `/@fs/${absFile.replace(/^\//, '')}` : `/${relative}`
}
