import type { PluginHost } from '../../host/host.js'
import type { PluginInfo, PluginModule } from '../../host/types.js'
import type { BatchResult } from '../../protocol/index.js'
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
  /** Runs `task` after `ms`; returns what cancels it. */
  later(task: () => void, ms: number): () => void
  /** The longest `apply` waits for the swaps, starts and stops it asked for; what has not ended then is `pending`. */
  settleTimeoutMs: number
}

/** A plugin of the feed whose new version does not run, and why. */
export interface FeedPluginOutcome {
  id: string
  /** Why, naming the plugin and its file or chunk. */
  error: Error
}

/**
 * What one text of the feed did to each plugin it changed. Every plugin is in one list at most;
 * a plugin the text did not change (or whose version was tried already) is in none.
 */
export interface FeedApplied {
  /** Swapped in: each now runs the version the feed names (a plugin that had failed to start included), with its state. */
  updated: string[]
  /** New in the feed, and running. */
  added: string[]
  /** Gone from the feed, and stopped. */
  removed: string[]
  /**
   * Its new version failed (its `activate` or `setReloadState` threw, or another plugin of the
   * same deploy's batch did): its previous version runs again, with its state. Not tried again.
   */
  rolledBack: FeedPluginOutcome[]
  /** Nothing of it runs: new in the feed, or it had failed to start, and the version the feed names failed to start too. */
  failed: FeedPluginOutcome[]
  /** Its chunks are not the bytes the feed published: refused before any of its code ran, never tried again; what ran before runs on. */
  refused: FeedPluginOutcome[]
  /**
   * Its chunks could not be fetched yet (HTTP error, offline), or it came in one batch with such
   * a plugin, or its hot reload is off: what ran before runs on; fetched again with backoff,
   * quietly, and swapped in once it loads (or once hot reload is back on).
   */
  waiting: FeedPluginOutcome[]
  /** Its swap, start or stop had not ended after `settleTimeoutMs`: `check()` stopped waiting; `host.get(id)` says where it is. */
  pending: string[]
}

/** The update source over a feed of a production build: `apply` hands the engine what a new feed text changes. */
export interface FeedSource extends UpdateSource {
  /** The entries the engine starts from: none; the first feed lists them. */
  readonly declarations: EntryDeclaration[]
  /**
   * Applies a feed: starts new plugins, stops removed ones, swaps changed ones in one batch;
   * resolves once all of it ended, or after `settleTimeoutMs`; never rejects. Applying the same
   * feed again tries again what could not be fetched.
   */
  apply(plugins: readonly ResolvedFeedPlugin[]): Promise<FeedApplied>
  /** Whether chunks of the last feed applied could not be fetched: apply it again later. */
  fetchAgain(): boolean
  /** For the engine's recovery: imports a plugin's version of the latest feed (named `url` by its declaration). */
  importModule(url: string): Promise<PluginModule>
}

type LoadResult = { module: PluginModule } | { error: unknown }
/** A changed version of a known plugin, as `apply` loaded it. */
interface Changed {
  plugin: ResolvedFeedPlugin
  result: LoadResult
  /** Handed to the engine (a failed load only the first time). */
  handed: boolean
}

const isRefused = (error: unknown): error is ChunkLoadError => error instanceof ChunkLoadError && error.refused
const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)))
const isRunning = (info: PluginInfo | undefined) => info !== undefined && info.status !== 'failed' && info.status !== 'starting'

/**
 * The feed's update source. A plugin's declaration is named by the feed and the id (not by its
 * chunk, which changes with each version), so the engine sees a new version, not a moved entry.
 * A chunk already tried is not tried again: a version whose swap failed is reported once; a chunk
 * that could not be fetched is fetched again at the next apply, reported only the first time.
 * What became of each plugin is read from the engine's result of the batch and from the host,
 * never assumed: every wait has an end (the engine's result, or `settleTimeoutMs`).
 */
export function feedSource(options: FeedSourceOptions): FeedSource {
  let sink: UpdateSink | undefined
  const hosts: PluginHost[] = []
  let latest = new Map<string, ResolvedFeedPlugin>()
  const tried = new Map<string, string>()
  const reported = new Set<string>()
  const loads = new Map<string, Promise<PluginModule>>()
  // Chunks that could not be fetched (not refused), by version: loaded anew at the next apply.
  const retryable = new Map<string, { id: string; error: unknown }>()
  let waitingForChunks = false
  let batch = 0
  const batchEnds = new Map<number, (result: BatchResult) => void>()
  const entryEnds: (() => void)[] = []
  // Why a plugin's new version did not take over, by batch (the engine's events of the feed's batches).
  const reasons = new Map<number, Map<string, Error>>()

  const keyOf = (id: string) => `${options.feedUrl}#${encodeURIComponent(id)}`
  const versionOf = (plugin: ResolvedFeedPlugin) => `${plugin.url} ${plugin.integrity}`
  const load = (plugin: ResolvedFeedPlugin): Promise<PluginModule> => {
    const version = versionOf(plugin)
    let loading = loads.get(version)
    if (loading) return loading
    loads.set(version, (loading = options.load(plugin)))
    loading.catch((error: unknown) => {
      if (!isRefused(error)) retryable.set(version, { id: plugin.id, error })
    })
    return loading
  }
  const settledLoad = (plugin: ResolvedFeedPlugin): Promise<LoadResult> => load(plugin).then((module) => ({ module }), (error: unknown) => ({ error }))
  const loadLatest = (id: string): Promise<PluginModule> => {
    const plugin = latest.get(id)
    return plugin ? load(plugin) : Promise.reject(new Error(`plugin "${id}" is no longer in the feed ${options.feedUrl}`))
  }
  const declare = (plugin: ResolvedFeedPlugin): EntryDeclaration => ({ id: plugin.id, file: plugin.file, url: keyOf(plugin.id), load: () => loadLatest(plugin.id) })
  const infoOf = (id: string): PluginInfo | undefined => hosts.map((host) => host.get(id)).find((info) => info !== undefined)
  const fileOf = (id: string) => infoOf(id)?.file ?? latest.get(id)?.file ?? '?'
  const hotReloadOff = (id: string) => hosts.length > 0 && hosts.every((host) => !host.isHotReloadEnabled(id))

  /** Loads the changed versions of the plugins the host has: each one's load result, and whether it goes to the engine. */
  const changedVersions = async (plugins: readonly ResolvedFeedPlugin[]): Promise<Changed[]> => {
    const candidates = plugins.filter((p) => options.known(p.id) && tried.get(p.id) !== versionOf(p))
    const loaded = await Promise.all(candidates.map(async (plugin) => ({ plugin, result: await settledLoad(plugin) })))
    const changed: Changed[] = []
    for (const { plugin, result } of loaded) {
      const version = versionOf(plugin)
      if ('module' in result) {
        tried.set(plugin.id, version)
        // The chunk the page already runs (same URL, same module): nothing to swap.
        if (result.module !== options.running(plugin.id)) changed.push({ plugin, result, handed: true })
        continue
      }
      if (isRefused(result.error)) tried.set(plugin.id, version)
      changed.push({ plugin, result, handed: !reported.has(version) })
      reported.add(version)
    }
    return changed
  }

  /** Resolves with `wait`'s value, or with undefined once `deadline` passed. */
  const within = <T>(wait: Promise<T>, deadline: Promise<undefined>): Promise<T | undefined> => Promise.race([wait, deadline])
  const nextEntriesApplied = () => new Promise<true>((resolve) => entryEnds.push(() => resolve(true)))
  const batchEnd = (id: number) => new Promise<BatchResult>((resolve) => batchEnds.set(id, resolve))

  /** Hands the engine the new versions in one batch; resolves with the engine's result of it (undefined: nothing to wait for). */
  const swap = (changed: readonly Changed[]): { id: number; end: Promise<BatchResult | undefined> } | undefined => {
    const handed = changed.filter((c) => c.handed)
    if (handed.length === 0 || !sink) return undefined
    const id = ++batch
    const ids = handed.map((c) => c.plugin.id)
    // A version whose hot reload is off is kept aside by the engine, with no result.
    const waitsForEngine = handed.some((c) => !('module' in c.result) || !hotReloadOff(c.plugin.id))
    const end = waitsForEngine ? batchEnd(id) : Promise.resolve(undefined)
    reasons.set(id, new Map())
    const timestamp = options.now()
    sink.announced({ batch: id, plugins: ids, files: handed.map((c) => c.plugin.url), timestamp })
    for (const plugin of ids) sink.coming(plugin, timestamp)
    for (const c of handed) sink.arrived(c.plugin.id, 'module' in c.result ? c.result.module : undefined)
    return { id, end }
  }

  /** Each changed plugin's outcome, from its load, the engine's result of the batch and the host. */
  const classifyChanged = (outcome: FeedApplied, changed: readonly Changed[], batchId: number | undefined, result: BatchResult | undefined, ended: boolean) => {
    const results = new Map((result?.plugins ?? []).filter((r) => r.via === undefined).map((r) => [r.id, r]))
    const why = reasons.get(batchId ?? -1) ?? new Map<string, Error>()
    const unfetched = changed.filter((c) => 'error' in c.result && !isRefused(c.result.error)).map((c) => `"${c.plugin.id}"`)
    for (const { plugin, result: loaded } of changed) {
      const { id } = plugin
      if ('error' in loaded) {
        ;(isRefused(loaded.error) ? outcome.refused : outcome.waiting).push({ id, error: asError(loaded.error) })
        continue
      }
      const swapped = results.get(id)
      if (swapped?.outcome === 'swapped') outcome.updated.push(id)
      else if (swapped) {
        const error = why.get(id) ?? infoOf(id)?.error ?? new Error(`plugin "${id}" (${fileOf(id)}): ${swapped.error ?? 'its new version failed'}`)
        ;(isRunning(infoOf(id)) ? outcome.rolledBack : outcome.failed).push({ id, error })
      } else if (why.has(id)) outcome.rolledBack.push({ id, error: why.get(id)! })
      else if (hotReloadOff(id)) {
        outcome.waiting.push({ id, error: new Error(`plugin "${id}" (${fileOf(id)}): its hot reload is off; its new version swaps in when it is turned back on`) })
      } else if (ended && unfetched.length > 0) {
        const error = new Error(`plugin "${id}" (${fileOf(id)}): its new version waits: it came in one deploy with ${unfetched.join(', ')}, whose chunks could not be fetched yet; the previous version runs`)
        outcome.waiting.push({ id, error })
      } else outcome.pending.push(id)
    }
    // Versions held back by an earlier batch that this one swapped in.
    for (const r of results.values()) if (r.outcome === 'swapped' && !changed.some((c) => c.plugin.id === r.id)) outcome.updated.push(r.id)
  }

  /** Each added and removed plugin's outcome, from the host once the entry change ran. */
  const classifyEntries = async (outcome: FeedApplied, added: readonly string[], removed: readonly string[], ended: boolean) => {
    for (const id of added) {
      const plugin = latest.get(id)!
      const info = infoOf(id)
      const loaded = await settledLoad(plugin)
      if ('error' in loaded) {
        // The host reported it (`plugin-failed`): a later apply tries it again quietly, or never (refused).
        reported.add(versionOf(plugin))
        if (isRefused(loaded.error)) tried.set(id, versionOf(plugin))
        ;(isRefused(loaded.error) ? outcome.refused : outcome.waiting).push({ id, error: asError(loaded.error) })
      } else if (!ended || !info || info.status === 'starting') outcome.pending.push(id)
      else if (isRunning(info)) outcome.added.push(id)
      else outcome.failed.push({ id, error: info.error ?? new Error(`plugin "${id}" (${info.file}): it did not start`) })
    }
    for (const id of removed) (options.known(id) ? outcome.pending : outcome.removed).push(id)
  }

  const watchSwaps = (host: PluginHost): (() => void) => {
    const note = (batchId: number | undefined, source: string | undefined, id: string, error: Error) => {
      if (source === 'feed' && batchId !== undefined) reasons.get(batchId)?.set(id, error)
    }
    const offs = [
      host.on('rolled-back', (e) => {
        if (e.because === e.id) return
        note(e.batch, e.source, e.id, new Error(`plugin "${e.id}" (${e.file}): its new version was rolled back with its deploy: "${e.because}" failed; the previous version runs, with its state`))
      }),
      host.on('reload-failed', (e) => note(e.batch, e.source, e.id, e.error)),
    ]
    return () => offs.forEach((off) => off())
  }

  return {
    name: 'feed',
    declarations: [],
    connect: (next) => void (sink = next),
    batchApplied(result) {
      if (result.batch === undefined) return
      batchEnds.get(result.batch)?.(result)
      batchEnds.delete(result.batch)
    },
    entriesApplied: () => entryEnds.shift()?.(),
    hostAttached(host) {
      hosts.push(host)
      const unwatch = watchSwaps(host)
      return () => {
        unwatch()
        hosts.splice(hosts.indexOf(host), 1)
      }
    },
    importModule: (url) => {
      const id = decodeURIComponent(url.slice(url.lastIndexOf('#') + 1))
      return loadLatest(id)
    },
    fetchAgain: () => waitingForChunks,
    async apply(plugins) {
      const before = latest
      latest = new Map(plugins.map((p) => [p.id, p]))
      const added = plugins.filter((p) => !before.has(p.id) && !options.known(p.id)).map((p) => p.id)
      const removed = [...before.keys()].filter((id) => !latest.has(id))
      const setChanged = plugins.some((p) => !before.has(p.id)) || removed.length > 0
      let cancelDeadline = () => {}
      const deadline = new Promise<undefined>((resolve) => (cancelDeadline = options.later(() => resolve(undefined), options.settleTimeoutMs)))
      // The engine says once each entry change ran (when a host has something to add or remove).
      const entriesRan = setChanged && sink && hosts.length > 0 ? within(nextEntriesApplied(), deadline) : Promise.resolve(true)
      if (setChanged) sink?.entriesChanged(plugins.map(declare))
      const changed = await changedVersions(plugins.filter((p) => !added.includes(p.id)))
      const swapping = swap(changed)
      const [entriesEnded, swapResult] = await Promise.all([entriesRan, swapping ? within(swapping.end.then((r) => ({ r })), deadline) : Promise.resolve({ r: undefined })])
      cancelDeadline()
      if (swapping) {
        batchEnds.delete(swapping.id)
      }
      const outcome: FeedApplied = { updated: [], added: [], removed: [], rolledBack: [], failed: [], refused: [], waiting: [], pending: [] }
      classifyChanged(outcome, changed, swapping?.id, swapResult?.r, swapResult !== undefined)
      await classifyEntries(outcome, added, removed, entriesEnded === true)
      if (swapping) reasons.delete(swapping.id)
      // Plugins retried quietly (their failure reported earlier) wait too.
      for (const { id, error } of retryable.values()) {
        if (!outcome.waiting.some((w) => w.id === id)) outcome.waiting.push({ id, error: asError(error) })
      }
      waitingForChunks = retryable.size > 0
      for (const version of retryable.keys()) loads.delete(version)
      retryable.clear()
      return outcome
    },
  }
}
