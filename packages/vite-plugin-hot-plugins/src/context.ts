import { LOG_PREFIX } from '@hot-plugins/client/protocol'
import type { Logger, ResolvedConfig } from 'vite'
import { createEntryMatcher, createReloadFilter, discoverPlugins, type DiscoveredPlugin } from './discovery/discover-plugins.js'
import { createLookalikeFinder } from './discovery/entry-lookalikes.js'
import type { ResolvedHotPluginsOptions } from './options.js'
import type { RemotePlugin } from './remote/remote-plugins.js'

/** What the small plugins of `hotPlugins()` share. */
export interface HotPluginsContext {
  options: ResolvedHotPluginsOptions
  /** Vite's root (the working directory until `configure`). */
  root: string
  /** Vite's `base` (`/` until `configure`). */
  base: string
  /** Whether this is Vite's dev server (`vite`, `vite dev`), not a build or a preview. */
  isDevServer: boolean
  logger: Logger | undefined
  /** Fills in what comes from Vite's resolved config; called once, in `configResolved`. */
  configure(config: Pick<ResolvedConfig, 'root' | 'base' | 'command' | 'logger'>): void
  /** Discovered once per server or build; `rediscover()` drops the cache. */
  plugins(): Promise<DiscoveredPlugin[]>
  rediscover(): void
  /** Whether `entryByFile` answers for the current entry set now (a discovery done, none due): no need to await `plugins()`. */
  settled(): boolean
  /** The plugins of the last discovery that succeeded (empty before the first). */
  known(): readonly DiscoveredPlugin[]
  /** Whether the last discovery failed (two entries with one id): any entry change tries again. */
  discoveryFailed(): boolean
  /** The plugin whose entry is this absolute file, if any (valid after `plugins()` resolved). */
  entryByFile(absFile: string): DiscoveredPlugin | undefined
  /** The plugin of this id, if any (valid after `plugins()` resolved). */
  pluginById(id: string): DiscoveredPlugin | undefined
  /** Whether a root-relative posix path (`../` outside the root) matches the `plugins` globs or is a plugin package's entry. */
  isEntryPath(file: string): boolean
  /** Whether a change of this root-relative posix path (`../` outside the root) may reload a plugin (`include`/`exclude`). */
  mayReload(file: string): boolean
  /**
   * Called after each discovery that succeeded (the dev server checks what cannot hot-reload), with
   * the files named like entries that no glob matches, found in the same crawl.
   */
  onDiscovered: ((plugins: readonly DiscoveredPlugin[], lookalikes: readonly string[]) => void) | undefined
  /** Set by the dev server wiring: the update of the save stamped `timestamp` went out by another way than Vite's (to the hosts of exposed plugins). */
  onUpdateRelayed: ((timestamp: number) => void) | undefined
  /** Logs a warning once per key for the life of the server (or build). */
  warnOnce(key: string, message: string): void
  /**
   * The plugins of the `remotes` that join this app's, once each remote was tried (none of a remote
   * not reached yet); set by the remotes' plugin.
   */
  remotePlugins: () => Promise<readonly RemotePlugin[]>
  /** What keeps remotes' plugins out of the page now, one line per remote (not reachable, refused). */
  remoteProblems: () => string[]
  /** In a build: the file each plugin package resolved to (plugin id → absolute posix path), what its chunk's facade is. */
  builtEntries: Map<string, string>
  /** Whether the app runs Vite DevTools (its setup hook called ours): the badge then steps aside. */
  viteDevtools: boolean
}

export function createContext(options: ResolvedHotPluginsOptions): HotPluginsContext {
  let discovery: Promise<DiscoveredPlugin[]> | undefined
  let settled = false
  let byFile = new Map<string, DiscoveredPlugin>()
  let byId = new Map<string, DiscoveredPlugin>()
  let known: DiscoveredPlugin[] = []
  let failed = false
  const warned = new Set<string>()
  const isGlobEntry = createEntryMatcher(options.plugins)
  const lookalikePatterns = createLookalikeFinder(options.plugins).patterns
  const context: HotPluginsContext = {
    options,
    root: process.cwd(),
    base: '/',
    isDevServer: false,
    logger: undefined,
    viteDevtools: false,
    builtEntries: new Map(),
    configure(config) {
      context.root = config.root
      context.base = config.base
      context.isDevServer = config.command === 'serve'
      context.logger = config.logger
    },
    onDiscovered: undefined,
    onUpdateRelayed: undefined,
    plugins() {
      const report = (problem: string) => context.warnOnce(problem, `${LOG_PREFIX} ${problem}`)
      let lookalikes: readonly string[] = []
      const search = context.onDiscovered ? { patterns: lookalikePatterns, found: (files: string[]) => void (lookalikes = files) } : undefined
      if (discovery) return discovery
      const started = (discovery = discoverPlugins(context.root, options.plugins, options.packages, report, search).then((plugins) => {
        if (discovery === started) settled = true
        failed = false
        known = plugins
        byFile = new Map(plugins.map((p) => [p.absFile, p]))
        byId = new Map(plugins.map((p) => [p.id, p]))
        if (plugins.length === 0) {
          context.logger?.warn(
            `${LOG_PREFIX} no plugin entry matched ${[...options.plugins.map((g) => JSON.stringify(g)), ...options.packages.map((name) => `package ${JSON.stringify(name)}`)].join(', ')} under ${context.root}`,
            { timestamp: true },
          )
        }
        try {
          context.onDiscovered?.(plugins, lookalikes)
        } catch (error) {
          // A failing check must not fail the discovery: the plugins still run.
          context.logger?.warn(`${LOG_PREFIX} checking the plugins found failed: ${error instanceof Error ? error.message : String(error)}`)
        }
        return plugins
      }, (error: unknown) => {
        failed = true
        throw error
      }))
      return started
    },
    rediscover() {
      discovery = undefined
      settled = false
    },
    settled: () => settled,
    known: () => known,
    discoveryFailed: () => failed,
    entryByFile: (absFile) => byFile.get(absFile),
    pluginById: (id) => byId.get(id),
    isEntryPath: (file) => isGlobEntry(file) || known.some((p) => p.package !== undefined && p.file === file),
    mayReload: createReloadFilter(options.include, options.exclude),
    remotePlugins: async () => [],
    remoteProblems: () => [],
    warnOnce(key, message) {
      if (warned.has(key)) return
      warned.add(key)
      context.logger?.warn(message, { timestamp: true })
    },
  }
  return context
}
