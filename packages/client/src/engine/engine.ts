import { DEFAULTS } from '../protocol/index.js'
import type { PluginHost } from '../host/host.js'
import type { HostCore, HotSource } from '../host/core.js'
import type { LastGoodLoader } from '../host/last-good.js'
import type { PluginEntry } from '../host/types.js'
import { reportCompileError } from './apply/batch.js'
import { applyToHosts } from './apply/hosts.js'
import { createBatchAssembler } from './batch-assembler.js'
import { applyEntryChanges } from './entry-changes.js'
import { createEntryList } from './entry-list.js'
import { createGuard } from './guard.js'
import { attachHost, type KeptHotReloadSettings } from './host-attachment.js'
import { createRecovery, type FullReloadReason, type RecoveryOptions } from './recovery/recovery.js'
import { createReimport } from './recovery/reimport.js'
import type { LeakWatchOptions } from '../leaks/watch.js'
import type { Persistence } from './state/persistence.js'
import { createStateSaving } from './state-saving.js'
import { later, sleep } from '../host/timers.js'
import type { EntryDeclaration, UpdateSink, UpdateSource } from './update-source.js'
import { createUpdateTracker } from './update-tracker.js'

export interface EngineOptions {
  /** Persists state and restores it after reloads; without it, state lives only across swaps. */
  persistence?: Persistence
  /** Called, before the page reloads for the dev tools, once state is saved. */
  beforeToolingReload?: () => void
  /** Retries, failure counting and the full-reload fallback (their browser parts are injected). */
  recovery?: Partial<Omit<RecoveryOptions, 'prepareReload'>>
  /** Set when this page was loaded by a full reload this product made after repeated failures. */
  reloadedBecause?: FullReloadReason
  /** Where the hot-reload on/off settings are kept across reloads, and their value at first. */
  hotReloadSettings?: KeptHotReloadSettings
  /** Called when a host attaches, before anything is announced to it: the devtools and the remote control take its public face here. */
  onAttach?: (core: HostCore, host: PluginHost) => void
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
  /** Reports what plugin instances leave running after their teardown (the browser adapter feeds the tracker); absent: nothing is watched. */
  leaks?: LeakWatchOptions
}

/** The dev engine, as the code that made it (and the dev tools) use it. */
export interface Engine {
  /** The entries to hand to `host.start`, each linked to this engine. */
  readonly entries: PluginEntry[]
  /** What links a host to this engine: for a host started before the engine (`attachHotSource`). */
  readonly hotSource: HotSource
  /** Persists the state of every running plugin now (with persistence on); resolves once written. */
  saveState(): Promise<void>
  /** Imports the plugin's entry afresh and swaps it in, as a save would (devtools "reload now"). */
  reloadNow(id: string): void
}

/** How long a batch waits for the new versions of all its plugins before the rest applies without them. */
const BATCH_WAIT_MS = 10_000

/**
 * The dev engine: takes new plugin versions from `source` and swaps them in on every host that
 * started them, a batch at once, the old instance untouched until the new module is in hand.
 * Wiring only: update tracking, batch assembly, apply, entry changes and recovery are units of their own.
 */
export function createEngine(inits: readonly EntryDeclaration[], source: UpdateSource, options: EngineOptions = {}): Engine {
  const hosts = new Set<HostCore>()
  const guard = createGuard(hosts)
  const tracker = createUpdateTracker(hosts)
  const saving = createStateSaving({ hosts, persistence: options.persistence, beforeToolingReload: options.beforeToolingReload, guard })
  const recovery = createRecovery(hosts, {
    retry: DEFAULTS.retry,
    fallback: DEFAULTS.fallback,
    failuresBeforeFallback: DEFAULTS.failuresBeforeFallback,
    sleep,
    ...options.recovery,
    prepareReload: saving.prepareReload,
  })
  const batches = createBatchAssembler({
    waitMs: BATCH_WAIT_MS,
    later: (task, ms) => later(() => guard(task), ms),
    apply: (batch) =>
      applyToHosts(batch, {
        hosts,
        tracker,
        ...(options.reloadDependents === undefined ? {} : { reloadDependents: options.reloadDependents }),
        ...(source.name === undefined ? {} : { source: source.name }),
        applied({ batch: id, results, heldBack }) {
          batches.holdBack(heldBack)
          if (results.length > 0) {
            source.batchApplied({ ...(id === undefined ? {} : { batch: id }), plugins: results, durationMs: Math.max(...results.map((r) => r.durationMs)) })
          }
          for (const result of results) recovery.countOutcome(result)
        },
      }),
  })
  const reimport = createReimport({ recovery, tracker, urlOf: (id) => list.urlOf(id), deliver: batches.deliver })
  const reloadNow = (id: string): void => guard(() => reimport.reloadNow(id))

  const attachment = { ...options, hosts, source, recovery, reloadNow }
  const hotSource: HotSource = { attach: (core, host) => attachHost(core, host, attachment) }
  const list = createEntryList(inits, hotSource, options.recovery?.importModule)

  const sink: UpdateSink = {
    announced: (announcement) =>
      guard(() => {
        for (const id of announcement.plugins) tracker.announced(id, announcement.files, announcement.storm === true)
        if (!announcement.storm && announcement.batch !== undefined) batches.open(announcement.batch, announcement.plugins)
      }),
    coming: (id, timestamp) => guard(() => tracker.coming(id, timestamp)),
    arrived: (id, module) =>
      guard(() => {
        const update = tracker.take(id)
        if (module && typeof module.activate === 'function') batches.deliver({ id, update, outcome: { module } })
        else reimport.afterFailedImport(id, update, module)
      }),
    refused: (announcement) =>
      guard(() => {
        // The dev server logged it already; the hosts report it to the page.
        for (const id of announcement.plugins) {
          tracker.drop(id)
          for (const host of hosts) void reportCompileError(host, id, { files: [announcement.file], startedAt: host.now() }, announcement)
        }
      }),
    entriesChanged: (next) =>
      guard(() =>
        applyEntryChanges({ hosts, added: list.added, reloadNow, entriesApplied: () => source.entriesApplied() }, list.replace(next), next),
      ),
    reloadNow,
    saveBeforeReload: saving.saveBeforeReload,
    guard,
  }
  source.connect(sink)

  return { entries: list.entries, hotSource, saveState: saving.saveState, reloadNow }
}
