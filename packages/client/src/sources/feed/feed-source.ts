import type { PluginHost } from '../../host/host.js'
import type { PluginHostEventName } from '../../host/events.js'
import type { PluginModule } from '../../host/types.js'
import type { EntryDeclaration, UpdateSink, UpdateSource } from '../../engine/update-source.js'
import type { ResolvedFeedPlugin } from './feed-manifest.js'

/** A chunk failed verification or loading. `refused`: its bytes are not the ones published (never tried again). */
export class ChunkLoadError extends Error {
  override readonly name = 'ChunkLoadError'
  constructor(
    message: string,
    readonly refused: boolean,
  ) {
    super(message)
  }
}

export interface FeedSourceOptions {
  feedUrl: string
  /** Verifies a plugin's chunks, then imports its entry: rejects, a ChunkLoadError, before any of its code runs when one is not what the feed says. */
  load(plugin: ResolvedFeedPlugin): Promise<PluginModule>
  /** The module the host runs for `id`, if any. */
  running(id: string): PluginModule | undefined
  /** Whether the host has plugin `id` (running, or failed). */
  known(id: string): boolean
  now(): number
}

/** What one text of the feed changed. */
export interface FeedApplied {
  /** Plugins whose new version was handed to the engine (swapped, or refused and reported). */
  updated: string[]
  added: string[]
  removed: string[]
  /** Plugins whose new chunks could not be fetched: fetched again with backoff, quietly, until they load. */
  waiting: string[]
}

/** The update source over a feed of a production build: `apply` hands the engine what a new feed text changes. */
export interface FeedSource extends UpdateSource {
  /** The entries the engine starts from: none; the first feed lists them. */
  readonly declarations: EntryDeclaration[]
  /**
   * Applies a feed: starts new plugins, stops removed ones, swaps changed ones in one batch;
   * resolves once all of it ran. Applying the same feed again tries again what could not be fetched.
   */
  apply(plugins: readonly ResolvedFeedPlugin[]): Promise<FeedApplied>
  /** For the engine's recovery: imports a plugin's version of the latest feed (named `url` by its declaration). */
  importModule(url: string): Promise<PluginModule>
}

/** How each change ends on a host: the events after which `apply` resolves. */
const SETTLED: Record<'update' | 'held' | 'add' | 'remove', PluginHostEventName[]> = {
  update: ['reload-completed', 'reload-failed', 'rolled-back'],
  // Another plugin of the batch failed to load: the new version waits for the next batch.
  held: ['warning'],
  add: ['plugin-activated', 'plugin-failed'],
  remove: ['plugin-removed'],
}

/**
 * The feed's update source. A plugin's declaration is named by the feed and the id (not by its
 * chunk, which changes with each version), so the engine sees a new version, not a moved entry.
 * A chunk already tried is not tried again: a version whose swap failed is reported once; a chunk
 * that could not be fetched is fetched again at the next check, reported only the first time.
 */
export function feedSource(options: FeedSourceOptions): FeedSource {
  let sink: UpdateSink | undefined
  const hosts: PluginHost[] = []
  let latest = new Map<string, ResolvedFeedPlugin>()
  const tried = new Map<string, string>()
  const reported = new Set<string>()
  const loads = new Map<string, Promise<PluginModule>>()
  // Chunks that could not be fetched (not refused): loaded anew at the next apply, once this one,
  // and the engine's report of it, are done with the failed load.
  const retryable = new Map<string, string>()
  let batch = 0

  const keyOf = (id: string) => `${options.feedUrl}#${encodeURIComponent(id)}`
  const versionOf = (plugin: ResolvedFeedPlugin) => `${plugin.url} ${plugin.integrity}`
  const load = (plugin: ResolvedFeedPlugin): Promise<PluginModule> => {
    const version = versionOf(plugin)
    let loading = loads.get(version)
    if (loading) return loading
    loads.set(version, (loading = options.load(plugin)))
    loading.catch((error: unknown) => {
      if (!(error instanceof ChunkLoadError && error.refused)) retryable.set(version, plugin.id)
    })
    return loading
  }
  const loadLatest = (id: string): Promise<PluginModule> => {
    const plugin = latest.get(id)
    return plugin ? load(plugin) : Promise.reject(new Error(`plugin "${id}" is no longer in the feed ${options.feedUrl}`))
  }
  const declare = (plugin: ResolvedFeedPlugin): EntryDeclaration => ({ id: plugin.id, file: plugin.file, url: keyOf(plugin.id), load: () => loadLatest(plugin.id) })
  const settled = (ids: readonly string[], kind: keyof typeof SETTLED): Promise<void> =>
    Promise.all(hosts.flatMap((host) => ids.filter((id) => host.isHotReloadEnabled(id) || kind !== 'update').map((id) => once(host, id, SETTLED[kind])))).then(() => {})

  /** Loads the changed versions of running plugins: those to hand to the engine, and whether they loaded. */
  const changedVersions = async (plugins: readonly ResolvedFeedPlugin[]) => {
    const candidates = plugins.filter((p) => options.known(p.id) && tried.get(p.id) !== versionOf(p))
    const loaded = await Promise.all(candidates.map((p) => load(p).then((module) => ({ p, module }), (error: unknown) => ({ p, error }))))
    const handed: { id: string; module: PluginModule | undefined }[] = []
    for (const result of loaded) {
      const version = versionOf(result.p)
      if ('module' in result) {
        tried.set(result.p.id, version)
        // The chunk the page already runs (same URL, same module): nothing to swap.
        if (result.module !== options.running(result.p.id)) handed.push({ id: result.p.id, module: result.module })
        continue
      }
      if (result.error instanceof ChunkLoadError && result.error.refused) tried.set(result.p.id, version)
      if (reported.has(version)) continue
      reported.add(version)
      handed.push({ id: result.p.id, module: undefined })
    }
    return handed
  }

  return {
    name: 'feed',
    declarations: [],
    connect: (next) => void (sink = next),
    batchApplied: () => {},
    entriesApplied: () => {},
    hostAttached(host) {
      hosts.push(host)
      return () => void hosts.splice(hosts.indexOf(host), 1)
    },
    importModule: (url) => {
      const id = decodeURIComponent(url.slice(url.lastIndexOf('#') + 1))
      return loadLatest(id)
    },
    async apply(plugins) {
      const before = latest
      latest = new Map(plugins.map((p) => [p.id, p]))
      const added = plugins.filter((p) => !before.has(p.id) && !options.known(p.id)).map((p) => p.id)
      const removed = [...before.keys()].filter((id) => !latest.has(id))
      const setChanged = plugins.some((p) => !before.has(p.id)) || removed.length > 0
      const endings = [settled(added, 'add'), settled(removed, 'remove')]
      if (setChanged) sink?.entriesChanged(plugins.map(declare))
      const handed = await changedVersions(plugins.filter((p) => !added.includes(p.id)))
      if (handed.length > 0 && sink) {
        const ids = handed.map((h) => h.id)
        const failed = handed.some((h) => h.module === undefined)
        endings.push(settled(failed ? ids.filter((id) => handed.some((h) => h.id === id && !h.module)) : ids, 'update'))
        if (failed) endings.push(settled(handed.filter((h) => h.module).map((h) => h.id), 'held'))
        const timestamp = options.now()
        sink.announced({ batch: ++batch, plugins: ids, files: ids.map((id) => latest.get(id)!.url), timestamp })
        for (const { id } of handed) sink.coming(id, timestamp)
        for (const { id, module } of handed) sink.arrived(id, module)
      }
      await Promise.all(endings)
      const waiting = [...new Set(retryable.values())]
      for (const version of retryable.keys()) loads.delete(version)
      retryable.clear()
      return { updated: handed.map((h) => h.id), added, removed, waiting }
    },
  }
}

/** Resolves at the first of `events` about plugin `id` (a dependent's restart, `via`, does not count). */
function once(host: PluginHost, id: string, events: readonly PluginHostEventName[]): Promise<void> {
  return new Promise((resolve) => {
    const offs = events.map((event) =>
      host.on(event, (payload) => {
        if ((payload as { id?: string; via?: string }).id !== id || (payload as { via?: string }).via !== undefined) return
        for (const off of offs) off()
        resolve()
      }),
    )
  })
}
