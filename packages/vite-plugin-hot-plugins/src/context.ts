import type { Logger } from 'vite'
import { createEntryMatcher, createReloadFilter, discoverPlugins, type DiscoveredPlugin } from './discovery.js'
import type { ResolvedHotPluginsOptions } from './options.js'

/** What the small plugins of `hotPlugins()` share. */
export interface HotPluginsContext {
  options: ResolvedHotPluginsOptions
  root: string
  logger: Logger | undefined
  /** Discovered once per server or build; `rediscover()` drops the cache. */
  plugins(): Promise<DiscoveredPlugin[]>
  rediscover(): void
  /** The plugins of the last discovery that succeeded (empty before the first). */
  known(): readonly DiscoveredPlugin[]
  /** Whether the last discovery failed (two entries with one id): any entry change tries again. */
  discoveryFailed(): boolean
  /** The plugin whose entry is this absolute file, if any (valid after `plugins()` resolved). */
  entryByFile(absFile: string): DiscoveredPlugin | undefined
  /** Whether a root-relative posix path matches the `plugins` globs. */
  isEntryPath(file: string): boolean
  /** Whether a change of this root-relative posix path may reload a plugin (`include`/`exclude`). */
  mayReload(file: string): boolean
}

export function createContext(options: ResolvedHotPluginsOptions): HotPluginsContext {
  let discovery: Promise<DiscoveredPlugin[]> | undefined
  let byFile = new Map<string, DiscoveredPlugin>()
  let known: DiscoveredPlugin[] = []
  let failed = false
  const context: HotPluginsContext = {
    options,
    root: process.cwd(),
    logger: undefined,
    plugins() {
      discovery ??= discoverPlugins(context.root, options.plugins).then((plugins) => {
        failed = false
        known = plugins
        byFile = new Map(plugins.map((p) => [p.absFile, p]))
        if (plugins.length === 0) {
          context.logger?.warn(
            `[hot-plugins] no plugin entry matched ${options.plugins.map((g) => JSON.stringify(g)).join(', ')} under ${context.root}`,
          )
        }
        return plugins
      }, (error: unknown) => {
        failed = true
        throw error
      })
      return discovery
    },
    rediscover() {
      discovery = undefined
    },
    known: () => known,
    discoveryFailed: () => failed,
    entryByFile: (absFile) => byFile.get(absFile),
    isEntryPath: createEntryMatcher(options.plugins),
    mayReload: createReloadFilter(options.include, options.exclude),
  }
  return context
}
