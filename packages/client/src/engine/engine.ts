import {
  DEFAULTS,
  HOT_SOURCE_SYMBOL_KEY,
  HotEvents,
  type BatchResult,
  type CompileErrorAnnouncement,
  type ReloadResult,
  type UpdateAnnouncement,
} from '../protocol/index.js'
import type { PluginError } from '../host/errors.js'
import type { PluginHost } from '../host/host.js'
import type { HostCore, HotSource } from '../host/core.js'
import { consoleLogger } from '../host/logger.js'
import type { LastGoodLoader } from '../host/last-good.js'
import type { Persistence } from './state/persistence.js'
import { createRecovery, type FullReloadReason, type RecoveryOptions } from './recovery/recovery.js'
import { later, sleep } from './timers.js'
import { addPlugin, relocatePlugin, removePlugin } from './runtime-entries.js'
import { hotSwapBatch, reportCompileError, reportImportFailure, type BatchMember, type BatchOutcome, type SwapTrigger } from './apply.js'
import type { HotReloadSettings, PluginEntry, PluginModule } from '../host/types.js'

/** The part of Vite's `import.meta.hot` the hot source uses: the transport, injectable in tests. */
export interface HotContextLike {
  /** Vite awaits a listener's promise before it goes on (for a full reload: before reloading). */
  on(event: string, listener: (payload: any) => void | Promise<void>): void
  send(event: string, data?: any): void
  /** Kept across versions of the module that owns the context (the registry keeps itself there). */
  readonly data?: Record<string, unknown>
}

export interface HotRegistryOptions {
  /** Persists state and restores it after reloads; without it, state lives only across swaps. */
  persistence?: Persistence
  /** Called, before the page reloads for the dev tools, once state is saved. */
  beforeToolingReload?: () => void
  /**
   * Removes the error overlay a refused compile left. Vite reloads the page when its first update
   * finds an overlay (it takes it for a page that failed to load); ours must not count as that.
   */
  clearCompileErrorOverlay?: () => void
  /** Retries, failure counting and the full-reload fallback (their browser parts are injected). */
  recovery?: Partial<Omit<RecoveryOptions, 'prepareReload'>>
  /** Set when this page was loaded by a full reload this product made after repeated failures. */
  reloadedBecause?: FullReloadReason
  /** Where the hot-reload on/off settings are kept across reloads, and their value at first. */
  hotReloadSettings?: {
    load(): HotReloadSettings | undefined
    save(settings: HotReloadSettings): void
    initial: HotReloadSettings
  }
  /** Called when a host attaches, before anything is announced to it (the devtools listen here). */
  onAttach?: (internals: HostCore, host: PluginHost) => void
  /**
   * Whether the plugins depending on a swapped plugin stop and start again against it.
   * @default true
   */
  reloadDependents?: boolean
  /**
   * Loads a plugin's last good version from the dev server: given on a page the dev tools reloaded,
   * so that a plugin whose code on disk fails at start runs that version instead.
   */
  lastGood?: LastGoodLoader
  /** Called with the hot context of each new version of the registry module (Vite drops the old one's listeners). */
  onHotContext?: (hot: HotContextLike) => void
}

/** One entry as the generated registry module declares it. */
export interface RegistryEntryInit {
  id: string
  /** Relative to the Vite root. */
  file: string
  /** The URL the registry imports and accepts the entry by. */
  url: string
  load(): Promise<PluginModule>
}

export interface HotRegistry {
  /** The entries to hand to `host.start`, each linked to this hot source. */
  readonly entries: PluginEntry[]
  /** Called by the registry's accept callback: the new module, or undefined when its import failed. */
  accept(id: string, module: PluginModule | undefined): void
  /** Persists the state of every running plugin now (with persistence on); resolves once written. */
  saveState(): Promise<void>
  /** Imports the plugin's entry afresh and swaps it in, as a save would (devtools "reload now"). */
  reloadNow(id: string): void
  /**
   * A new version of the registry module ran (plugin entries were created, deleted or moved): the
   * running hosts add, remove and relocate plugins to match, without a page reload. `hot` is the
   * new module's hot context (Vite drops the listeners of the old one).
   */
  replaceEntries(inits: readonly RegistryEntryInit[], hot?: HotContextLike): void
}

/** How long a batch waits for the new versions of all its plugins before the rest applies without them. */
const BATCH_WAIT_MS = 10_000

interface PendingUpdate {
  files: Set<string>
  startedAt: Map<HostCore, number>
  /** Vite's timestamp of the update (from `vite:beforeUpdate`), to import the version again. */
  timestamp?: number
  /** The plugin's generation when the dev server announced this update. */
  generation?: number
}

/**
 * Creates the hot-update source of a generated `virtual:hot-plugins` module. Vite imports and
 * evaluates a new plugin version, then calls the registry's accept callback, which calls
 * `accept(id, module)`: the swap runs on every host that started the plugin. The old instance is
 * never touched before the new module is in hand.
 */
export function createHotRegistry(
  inits: readonly RegistryEntryInit[],
  hot?: HotContextLike,
  options: HotRegistryOptions = {},
): HotRegistry {
  const { persistence } = options
  const hosts = new Set<HostCore>()
  const pending = new Map<string, PendingUpdate>()
  // The registry's entries by id, and the id each entry URL belongs to (Vite names updates by URL).
  let byId = new Map(inits.map((init) => [init.id, init]))
  let idByUrl = new Map(inits.map((init) => [init.url, init.id]))
  const latestTimestamp = new Map<string, number>()
  // Each change of a plugin starts a new generation: a version overtaken by a newer save (in a
  // storm, versions queue up behind a running swap) is neither swapped in nor reported as failed.
  const generation = new Map<string, number>()
  const nextGeneration = (id: string): number => {
    const value = (generation.get(id) ?? 0) + 1
    generation.set(id, value)
    return value
  }
  const recovery = createRecovery(hosts, {
    retry: DEFAULTS.retry,
    fallback: DEFAULTS.fallback,
    failuresBeforeFallback: DEFAULTS.failuresBeforeFallback,
    sleep,
    ...options.recovery,
    prepareReload: async () => {
      options.beforeToolingReload?.()
      await persistence?.snapshot(hosts)
    },
  })

  const pendingFor = (id: string): PendingUpdate => {
    let update = pending.get(id)
    if (!update) pending.set(id, (update = { files: new Set(), startedAt: new Map() }))
    return update
  }
  const markStarted = (id: string): void => {
    const update = pendingFor(id)
    for (const host of hosts) if (!update.startedAt.has(host)) update.startedAt.set(host, host.now())
  }

  const source: HotSource = {
    attach(internals, host) {
      hosts.add(internals)
      options.onAttach?.(internals, host)
      if (persistence) internals.stateHooks = persistence.hooksFor(internals)
      if (options.lastGood) internals.lastGood = options.lastGood
      // A plugin module that failed to load at start left Vite's error overlay (if it did not
      // compile): the next update must not take it for a page that failed to load, and reload it.
      const loadFailed = (e: { error: PluginError }) => void (e.error.phase === 'load' && (overlayMayShow = true))
      internals.events.on('plugin-failed', loadFailed)
      internals.events.on('last-good-started', loadFailed)
      if (options.reloadedBecause) recovery.announceReloaded(internals, options.reloadedBecause)
      internals.hotReload.onResumed = (ids) => ids.forEach(reloadNow)
      const kept = options.hotReloadSettings
      if (kept) {
        internals.hotReload.apply(kept.load() ?? kept.initial)
        internals.hotReload.onChanged = kept.save
      }
      return () => hosts.delete(internals)
    },
  }

  // Vite's error overlay may be up: a refused compile, or a plugin module that failed to load.
  let overlayMayShow = false
  // Before Vite reloads the page (a full reload, or the server went away and comes back), save every
  // plugin's state; Vite waits for this promise, so the page reloads only once it is written.
  const saveBeforeReload = async (): Promise<void> => {
    try {
      options.beforeToolingReload?.()
      await persistence?.snapshot(hosts)
    } catch (error) {
      guard(hosts, () => {
        throw error
      })
    }
  }

  /** Listens on a hot context: the registry's first, then that of each new version of it. */
  function listen(hot: HotContextLike): void {
    // A listener that throws would cancel Vite's whole update: each one is guarded.
    hot.on(HotEvents.update, (announcement: UpdateAnnouncement) =>
      guard(hosts, () => {
        for (const id of announcement.plugins) {
          const current = nextGeneration(id)
          markStarted(id)
          const update = pendingFor(id)
          for (const file of announcement.files) update.files.add(file)
          if (!announcement.storm) update.generation = current
        }
        if (!announcement.storm && announcement.batch !== undefined) openBatch(announcement.batch, announcement.plugins)
      }),
    )
    hot.on(HotEvents.error, (announcement: CompileErrorAnnouncement) =>
      guard(hosts, () => {
        overlayMayShow = true
        // The dev server logged it already; the hosts report it to the page.
        for (const id of announcement.plugins) {
          pending.delete(id)
          for (const host of hosts) {
            void reportCompileError(host, id, { files: [announcement.file], startedAt: host.now() }, announcement)
          }
        }
      }),
    )
    hot.on('vite:beforeUpdate', (payload: { updates?: { acceptedPath?: string; timestamp?: number }[] }) =>
      guard(hosts, () => {
        // Vite reloads a page whose first update finds an error overlay (taking it for a page that
        // failed to load), without saving state. An update of plugins only never needs that: the
        // overlay goes, as Vite's later updates clear it anyway. (A page reloaded while a plugin
        // file does not compile gets an overlay before its plugins have even started.)
        const updates = payload.updates ?? []
        const onlyPlugins = updates.length > 0 && updates.every((u) => u.acceptedPath !== undefined && idByUrl.has(u.acceptedPath))
        if (overlayMayShow || onlyPlugins) {
          overlayMayShow = false
          options.clearCompileErrorOverlay?.()
        }
        for (const update of payload.updates ?? []) {
          const id = update.acceptedPath === undefined ? undefined : idByUrl.get(update.acceptedPath)
          if (id === undefined) continue
          markStarted(id)
          if (update.timestamp !== undefined) {
            pendingFor(id).timestamp = update.timestamp
            latestTimestamp.set(id, update.timestamp)
          }
        }
      }),
    )
    hot.on('vite:beforeFullReload', saveBeforeReload)
    hot.on('vite:ws:disconnect', saveBeforeReload)
  }
  if (hot) listen(hot)

  let hotContext = hot
  const report = (batch: number | undefined, plugins: ReloadResult[]): void => {
    if (plugins.length === 0) return
    const result: BatchResult = { plugins, durationMs: Math.max(...plugins.map((p) => p.durationMs)) }
    if (batch !== undefined) result.batch = batch
    hotContext?.send(HotEvents.result, result)
  }

  type Outcome = { module: PluginModule } | { error: unknown }
  interface Arrival {
    id: string
    update: PendingUpdate | undefined
    outcome: Outcome
  }
  /** A batch the dev server announced: it is applied once every plugin's new version (or failure) is in. */
  interface OpenBatch {
    id: number
    waiting: Set<string>
    arrived: Arrival[]
    cancelTimer: () => void
  }
  const openBatches: OpenBatch[] = []
  /** New versions not applied because another plugin of their batch failed: they join the next batch. */
  const heldBack = new Map<string, { module: PluginModule; generation: number | undefined; files: string[] }>()

  function openBatch(id: number, plugins: readonly string[]): void {
    const batch: OpenBatch = { id, waiting: new Set(plugins), arrived: [], cancelTimer: () => {} }
    // Should a version never arrive (Vite reloaded the page instead, or dropped an update), the
    // rest of the batch still applies.
    batch.cancelTimer = later(() => guard(hosts, () => closeBatch(batch)), BATCH_WAIT_MS)
    openBatches.push(batch)
  }
  function closeBatch(batch: OpenBatch): void {
    const index = openBatches.indexOf(batch)
    if (index < 0) return
    openBatches.splice(index, 1)
    batch.cancelTimer()
    if (batch.arrived.length > 0) apply(batch.id, batch.arrived)
  }

  /** A new version (or why there is none) arrived: into its batch, applied when the batch is complete. */
  const deliver = (id: string, update: PendingUpdate | undefined, outcome: Outcome) => {
    const batch = openBatches.find((b) => b.waiting.has(id))
    if (!batch) return apply(undefined, [{ id, update, outcome }])
    batch.waiting.delete(id)
    batch.arrived.push({ id, update, outcome })
    if (batch.waiting.size === 0) closeBatch(batch)
  }

  /** Applies a batch in every host, all or nothing; counts the outcome once (from the first host). */
  function apply(batch: number | undefined, arrivals: readonly Arrival[]): void {
    const files = [...new Set(arrivals.flatMap((a) => [...(a.update?.files ?? [])]))]
    const members: (BatchMember & { superseded: () => boolean; generation: number | undefined })[] = []
    const failed: { id: string; error: unknown; superseded: () => boolean }[] = []
    for (const { id, update, outcome } of arrivals) {
      const mine = update?.generation ?? nextGeneration(id)
      const superseded = () => generation.get(id) !== mine
      if ('module' in outcome) members.push({ id, module: outcome.module, superseded, generation: mine })
      else failed.push({ id, error: outcome.error, superseded })
    }
    for (const [id, held] of heldBack) {
      if (arrivals.some((a) => a.id === id)) continue
      members.push({ id, module: held.module, superseded: () => generation.get(id) !== held.generation, generation: held.generation })
      files.push(...held.files.filter((file) => !files.includes(file)))
    }
    heldBack.clear()
    const startedAt = (host: HostCore) =>
      Math.min(host.now(), ...arrivals.map((a) => a.update?.startedAt.get(host) ?? Number.POSITIVE_INFINITY))
    const holdBack = (ids: readonly string[]) => {
      for (const member of members) if (ids.includes(member.id)) heldBack.set(member.id, { module: member.module, generation: member.generation, files })
    }

    let first = true
    for (const host of hosts) {
      const trigger: SwapTrigger = {
        files,
        startedAt: startedAt(host),
        ...(batch === undefined ? {} : { batch }),
        ...(options.reloadDependents === false ? { reloadDependents: false } : {}),
      }
      let outcome: Promise<BatchOutcome>
      if (failed.length > 0) {
        // A plugin's new code did not load: the batch does not apply; the others' new versions wait.
        outcome = Promise.all(failed.map((f) => reportImportFailure(host, f.id, { ...trigger, superseded: f.superseded }, f.error))).then((results) => {
          const waiting = members.filter((m) => !m.superseded()).map((m) => m.id)
          for (const id of waiting) {
            const record = host.records.get(id)
            if (record) host.warn(record, `its new version waits: it came in one batch with ${failed.map((f) => `"${f.id}"`).join(', ')}, whose new code failed to load`)
          }
          return { results: results.filter((r): r is ReloadResult => r !== undefined), heldBack: waiting }
        })
      } else {
        outcome = hotSwapBatch(host, members, trigger)
      }
      if (first) {
        void outcome.then(({ results, heldBack: waiting }) => {
          holdBack(waiting)
          report(batch, results)
          for (const result of results) recovery.settle(result)
        })
      }
      first = false
    }
  }

  const accept = (id: string, module: PluginModule | undefined): void =>
    guard(hosts, () => {
      const update = pending.get(id)
      pending.delete(id)
      if (module && typeof module.activate === 'function') return deliver(id, update, { module })
      // Vite's import failed and does not say why, or gave an incomplete module: import again to
      // learn why, retrying while it may pass.
      const timestamp = update?.timestamp
      const stillCurrent = () => latestTimestamp.get(id) === timestamp
      void recovery.recover(id, byId.get(id)?.url, timestamp, stillCurrent, module).then((outcome) => {
        if (outcome && stillCurrent()) deliver(id, update, outcome)
      })
    })

  /** A new version of `id` from its current file, imported now (the recovery path, as for a failed import). */
  function reloadNow(id: string): void {
    guard(hosts, () => {
      const timestamp = Math.max(Date.now(), (latestTimestamp.get(id) ?? 0) + 1)
      latestTimestamp.set(id, timestamp)
      const update: PendingUpdate = { files: new Set(), startedAt: new Map([...hosts].map((host) => [host, host.now()])), timestamp }
      const stillCurrent = () => latestTimestamp.get(id) === timestamp
      void recovery.recover(id, byId.get(id)?.url, timestamp, stillCurrent).then((outcome) => {
        if (outcome && stillCurrent()) deliver(id, update, outcome)
      })
    })
  }

  const hotSourceKey = Symbol.for(HOT_SOURCE_SYMBOL_KEY)
  const toEntry = (init: RegistryEntryInit): PluginEntry => {
    const entry: PluginEntry = { id: init.id, file: init.file, load: init.load }
    Object.defineProperty(entry, hotSourceKey, { value: source, enumerable: false })
    return Object.freeze(entry)
  }
  const entries = inits.map(toEntry)
  // The list itself is linked too: a host that starts with no plugins still gets those added later.
  Object.defineProperty(entries, hotSourceKey, { value: source, enumerable: false })

  /**
   * A created entry is imported with a new `t=`: the browser keeps every module it ever imported,
   * so an entry deleted and created again would otherwise give back its old code.
   */
  const freshLoad = (init: RegistryEntryInit): RegistryEntryInit => {
    const importModule = options.recovery?.importModule
    return importModule ? { ...init, load: () => importModule(init.url, `t=${Date.now()}`) } : init
  }

  function replaceEntries(next: readonly RegistryEntryInit[], nextHot?: HotContextLike): void {
    if (nextHot && nextHot !== hotContext) {
      hotContext = nextHot
      listen(nextHot)
      options.onHotContext?.(nextHot)
    }
    guard(hosts, () => {
      const before = byId
      const after = new Map(next.map((init) => [init.id, init]))
      byId = after
      idByUrl = new Map(next.map((init) => [init.url, init.id]))
      // A host that starts later gets the current list.
      entries.splice(0, entries.length, ...next.map(toEntry))
      const applied: Promise<void>[] = []
      for (const host of hosts) {
        for (const id of before.keys()) if (!after.has(id)) applied.push(removePlugin(host, id))
        for (const init of next) {
          const previous = before.get(init.id)
          if (!previous) applied.push(addPlugin(host, toEntry(freshLoad(init)), host.now()))
          else if (previous.url !== init.url) relocatePlugin(host, init.id, init.file)
        }
      }
      // Once removed plugins are torn down and added ones run (with the modules they import), the
      // dev server may drop what only the removed ones imported: their styles leave the page then.
      if (applied.length > 0) void Promise.allSettled(applied).then(() => hotContext?.send(HotEvents.entriesApplied, {}))
      // A moved entry is the same plugin: its new file is swapped in with its state. Its old files
      // are pruned once its new version runs (while the old one runs, their styles are its own).
      for (const init of next) {
        const previous = before.get(init.id)
        if (!previous || previous.url === init.url) continue
        void swappedIn(init.id).then(() => hotContext?.send(HotEvents.entriesApplied, {}))
        reloadNow(init.id)
      }
    })
  }

  /** Resolves once a host has swapped in a new version of `id` (never if that fails: the old one runs on). */
  function swappedIn(id: string): Promise<void> {
    const [host] = hosts
    if (!host) return Promise.resolve()
    return new Promise((resolve) => {
      const off = host.events.on('reload-completed', (event) => {
        if (event.id !== id) return
        off()
        resolve()
      })
    })
  }

  return { entries, accept, saveState: async () => persistence?.snapshot(hosts), reloadNow, replaceEntries }
}

function guard(hosts: Set<HostCore>, run: () => void): void {
  try {
    run()
  } catch (error) {
    const [host] = hosts
    ;(host?.logger ?? consoleLogger).error('handling a hot update failed', error)
  }
}
