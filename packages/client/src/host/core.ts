import { Emitter } from './emitter.js'
import type { PluginError } from './errors.js'
import type { PluginHostEvents } from './events.js'
import type { PluginHost } from './host.js'
import { createHotReloadSwitch, type HotReloadSwitch } from './hot-reload-switch.js'
import type { LastGoodLoader } from './last-good.js'
import { createLifecycle } from './lifecycle.js'
import { createTaskQueue } from './queue.js'
import type { PluginRecord } from './records.js'
import type { TakenState } from './state.js'
import type { PersistedState } from './state.js'
import type { Logger, PluginModule, Teardown } from './types.js'

/**
 * The core of a plugin host, as the dev-only hot engine works on it: the host's data and the
 * lifecycle functions every start, swap and runtime change goes through. Kept out of the public
 * `PluginHost` type so that a production build carries no swap code: only `@hot-plugins/client/hot`
 * hands it out.
 */
export interface HostCore extends HostData, Lifecycle {}

/** What a host holds. */
export interface HostData {
  /** Every plugin the host knows, by id. */
  readonly records: Map<string, PluginRecord>
  readonly events: Emitter<PluginHostEvents>
  readonly logger: Logger
  now(): number
  /** Runs tasks one after another: starts and swaps never interleave. */
  enqueue<T>(task: () => Promise<T>): Promise<T>
  /** Whether saves swap plugins in, and the saves skipped while they do not. */
  readonly hotReload: HotReloadSwitch
  /** Set by a hot source that persists state (dev only); absent, state lives only in swaps. */
  stateHooks: StateHooks | undefined
  /**
   * Set by a hot source on a page the dev tools reloaded: loads the last good version of a plugin
   * whose code fails at start, to run instead.
   */
  lastGood: LastGoodLoader | undefined
  /**
   * Plugins loaded but not running because a plugin they depend on does not run (missing, failed,
   * removed), with the state to give them once it does. Only start-order.ts parks and unparks.
   */
  readonly parked: Map<string, ParkedPlugin>
  /** The state of plugins whose entry was deleted, given back if it comes back. */
  readonly departed: Map<string, TakenState>
  /**
   * Set by a hot source that reports leaks (dev only): each plugin instance's code runs through
   * it, and what the instance left running after its teardown is reported.
   */
  leaks: InstanceWatch | undefined
}

/**
 * Watches what each plugin instance starts (dev only; leaks/watch.ts): the lifecycle calls a
 * plugin's code through `run`, between `activating` and `stopped`.
 */
export interface InstanceWatch {
  /** A new instance of the plugin is about to activate: what its code starts from now on is its own. */
  activating(record: PluginRecord): void
  /** Runs the plugin's code as its current instance (nothing of it yet: as is). */
  run<T>(record: PluginRecord, code: () => T): T
  /** The current instance is gone (how: {@link InstanceEnd}): reports what it left, and stops it when it never went live. */
  stopped(record: PluginRecord, how: InstanceEnd): void
}

/**
 * How a plugin instance ended. `teardown`: it ran, and its teardown ran. `failed`: its activate
 * threw (nothing can tear it down). `discarded`: its teardown ran, but it never went live (its swap
 * was rolled back, or its last good version runs instead). An instance that never went live
 * leaves nothing: what a `failed` or `discarded` one left (nodes, timers, listeners…) is stopped.
 */
export type InstanceEnd = 'teardown' | 'failed' | 'discarded'

/** A plugin kept aside until the plugins it depends on run. */
export interface ParkedPlugin {
  module: PluginModule
  state?: TakenState
}

/** The one way a plugin instance comes and goes (host/lifecycle.ts). */
export interface Lifecycle {
  /** Activates `module` for `record`; throws a PluginError, leaving `record` untouched, on failure. */
  activate(record: PluginRecord, module: PluginModule): Promise<Teardown | undefined>
  /**
   * Runs the teardown and `deactivate()` of an instance; failures become warnings. `discarded`: the
   * instance never went live (a rolled-back swap): what it leaves is stopped. @default 'teardown'
   */
  deactivate(record: PluginRecord, module: PluginModule, teardown: Teardown | undefined, end?: Exclude<InstanceEnd, 'failed'>): Promise<void>
  /** Tears down the instance that runs for `record`, if any: the record keeps no module. `end` as for `deactivate`. */
  stop(record: PluginRecord, end?: Exclude<InstanceEnd, 'failed'>): Promise<void>
  /**
   * Starts a plugin that does not run: activate, restore its state, status `idle`,
   * `plugin-activated`. False when activation failed (reported as `plugin-failed`, or as
   * `activation.onFailure` says) and nothing else ran instead.
   */
  start(record: PluginRecord, module: PluginModule, activation: Activation): Promise<boolean>
  /** Marks a plugin failed and reports it (`plugin-failed`). */
  fail(record: PluginRecord, error: PluginError): void
  /** Logs a warning about a plugin and emits `warning`. */
  warn(record: PluginRecord, message: string, error?: unknown): void
}

/** How `Lifecycle.start` starts a plugin. */
export interface Activation {
  /** When the start began (the host's clock): `plugin-activated` reports the time since. */
  startedAt: number
  /** Gives the plugin its state once active; absent, the state saved for it (when restoring is on). */
  giveState?: GiveState
  /**
   * Runs another version when this one fails to activate or refuses its saved state (at start: the
   * plugin's last good version); resolves to true when that one runs instead.
   */
  instead?: (failure: PluginError) => Promise<boolean>
  /** Reports a failed activation. @default `Lifecycle.fail` (`plugin-failed`) */
  onFailure?: (error: PluginError) => void
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
  /** `host` is the public face of the host whose `core` attaches: what the devtools and the remote control may use. */
  attach(core: HostCore, host: PluginHost): () => void
}

export interface HostCoreOptions {
  logger: Logger
  now: () => number
  hotReload: boolean
  /** Makes the host API for one plugin (called once per plugin). */
  context: (plugin: { id: string; file: string }) => unknown
}

/** The core of a new host: no plugins yet, hot reload as `options.hotReload` says. */
export function createHostCore(options: HostCoreOptions): HostCore {
  const { logger, now } = options
  const events = new Emitter<PluginHostEvents>(logger)
  const data: HostData = {
    records: new Map(),
    events,
    logger,
    now,
    enqueue: createTaskQueue(),
    hotReload: createHotReloadSwitch(options.hotReload, events, logger),
    stateHooks: undefined,
    lastGood: undefined,
    parked: new Map(),
    departed: new Map(),
    leaks: undefined,
  }
  return Object.assign(data, createLifecycle(data, options.context))
}
