import type { Emitter } from './emitter.js'
import type { PluginHost } from './host.js'
import type { PluginError } from './errors.js'
import type { TakenState } from '../engine/state/handoff.js'
import type { PluginHostEvents } from './events.js'
import type { PersistedState } from '../engine/state/state.js'
import type { LastGoodLoader } from './last-good.js'
import type { HotReloadSettings, LastGoodInfo, Logger, PluginInfo, PluginModule, Teardown } from './types.js'

/** A running (or failed) plugin as the host keeps it. */
export interface PluginRecord extends PluginInfo {
  /** The module currently running; undefined while starting or after a failed start. */
  module: PluginModule | undefined
  /** What `activate` returned. */
  teardown: Teardown | undefined
  /** The host API given to this plugin (made once, reused by every version). */
  context: unknown
  /**
   * State the plugin should have but does not: giving it failed (its `setReloadState` threw while
   * restoring it, or on a rollback). Until a version takes it, it is what the next version gets
   * and what is persisted for the plugin, never the empty state the plugin runs with.
   */
  owed: TakenState | undefined
  /** Set while it runs its last good version (see `PluginInfo.lastGood`). */
  lastGood: LastGoodInfo | undefined
}

/**
 * What the dev-only hot engine needs from a host. Kept out of the public `PluginHost` type so that
 * a production build carries no swap code: only `@hot-plugins/client/hot` uses it.
 */
export interface HostInternals {
  readonly records: ReadonlyMap<string, PluginRecord>
  readonly events: Emitter<PluginHostEvents>
  readonly logger: Logger
  now(): number
  /** Runs tasks one after another: starts and swaps never interleave. */
  enqueue<T>(task: () => Promise<T>): Promise<T>
  /** Activates `module` for `record`; throws a PluginError, leaving `record` untouched, on failure. */
  activate(record: PluginRecord, module: PluginModule): Promise<Teardown | undefined>
  /** Runs the teardown and `deactivate()` of an instance; failures become warnings. */
  deactivate(record: PluginRecord, module: PluginModule, teardown: Teardown | undefined): Promise<void>
  warn(record: PluginRecord, message: string, error?: unknown): void
  /** Set by a hot source that persists state (dev only); absent, state lives only in swaps. */
  stateHooks: StateHooks | undefined
  /**
   * Set by a hot source on a page the dev tools reloaded: loads the last good version of a plugin
   * whose code fails at start, to run instead.
   */
  lastGood: LastGoodLoader | undefined
  /** Whether a new version of this plugin may be swapped in now. */
  hotReloadEnabled(id: string): boolean
  /** The current settings; `apply` replaces them (used to restore them after a reload). */
  hotReloadSettings(): HotReloadSettings
  applyHotReloadSettings(settings: HotReloadSettings): void
  /** Called whenever the settings change (the hot source keeps them across reloads). */
  onHotReloadSettingsChanged: ((settings: HotReloadSettings) => void) | undefined
  /** Turns hot reload on or off for one plugin, or (no id) for all: `host.enable`/`disable`/`setHotReloadEnabled`. */
  setHotReload(id: string | undefined, enabled: boolean): void
  /** Plugins whose saves were skipped while hot reload was off for them. */
  readonly skippedWhileOff: Set<string>
  /** Called with the plugins whose skipped saves should apply now that hot reload is on again. */
  onHotReloadResumed: ((ids: string[]) => void) | undefined
  /** Adds a record (status `starting`) for a plugin the host does not know yet. */
  register(entry: { id: string; file: string }): PluginRecord
  /** Forgets a plugin: its entry was deleted. */
  unregister(id: string): void
  /**
   * Activates `module` for a plugin that does not run, then gives it its state: with `giveState`,
   * or else the state saved for it (when restoring is on). False when activation failed (reported
   * as `plugin-failed`).
   */
  startPlugin(
    record: PluginRecord,
    module: PluginModule,
    startedAt: number,
    giveState?: GiveState,
  ): Promise<boolean>
  /** Marks a plugin failed and reports it (`plugin-failed`). */
  fail(record: PluginRecord, error: PluginError): void
  /**
   * Plugins loaded but not running because a plugin they depend on does not run (missing, failed,
   * removed), with the state to give them once it does.
   */
  readonly parked: Map<string, { module: PluginModule; state?: TakenState }>
  /** The state of plugins whose entry was deleted, given back if it comes back. */
  readonly departed: Map<string, TakenState>
}

/** `setReloadState` threw on the state it was given: the plugin runs without it (it owes it). */
export interface StateRefused {
  error: unknown
}

/** Gives a plugin that just started its state; resolves to why, when it would not take it. */
export type GiveState = (record: PluginRecord, module: PluginModule) => Promise<StateRefused | void>

/** How a host reaches persisted state. */
export interface StateHooks {
  /**
   * Gives a freshly started plugin its saved state, when restoring is on. Resolves to the error of
   * its `setReloadState` when that threw (the state is then owed: `PluginRecord.owed`).
   */
  restore: GiveState
  /** A swap handed `state` to `module`: persist it, behind the swap. */
  handedOver(record: PluginRecord, module: PluginModule, state: unknown): void
  /** The last state known for the plugin, for when its getReloadState throws. */
  lastKnown(record: PluginRecord): Promise<PersistedState | undefined>
  /** Keeps state no code can take, apart from the live copy. */
  setAside(record: PluginRecord, saved: PersistedState): void
  clear(pluginId?: string): Promise<void>
}

/** Something that can feed new plugin versions to hosts: the registry's hot source in dev. */
export interface HotSource {
  /** `host` is the public face of the host whose `internals` attach: what the devtools and the remote control may use. */
  attach(internals: HostInternals, host: PluginHost): () => void
}
