import type { Leak, ReloadOutcome, ReloadResult as PluginReloadResult } from '../protocol/index.js'
import type { PluginError } from '../host/errors.js'
import type { PluginHostEvents } from '../host/events.js'
import type { PluginInfo } from '../host/types.js'

/** One event a test host emitted. */
export type RecordedEvent = { [K in keyof PluginHostEvents]: { type: K; payload: PluginHostEvents[K] } }[keyof PluginHostEvents]

/** What `load` (and the start after `reload`) came to. */
export interface LoadResult {
  /** The plugin runs. */
  active: boolean
  /** Why it does not run: its activate threw, or its module has none. */
  error?: Error
  /** It got back the state saved for it (after `reload`). */
  stateRestored: boolean
  /** The stateVersion the restored state was migrated from (`migrateState` ran). */
  migratedFrom?: number
  /** What it left behind when its activate threw. */
  leaks: Leak[]
  /** The host events of the step, in order. */
  events: RecordedEvent[]
}

/** What `swap` and `rollback` came to. */
export interface SwapResult {
  /** `swapped`: the new version runs; `rolled-back`: it failed and the previous one runs again; `kept-old`: it never ran. */
  outcome: ReloadOutcome
  /**
   * The plugin runs with its state: handed to the new version (swapped), or given back to the
   * previous one (rolled back, kept old).
   */
  stateKept: boolean
  /** Why the new version did not take over. */
  error?: PluginError
  /** What the instances torn down in the step left running (`[]`: a clean teardown). */
  leaks: Leak[]
  durationMs: number
  /** The host events of the step, in order. */
  events: RecordedEvent[]
}

/** What `reload` came to: the new start, and what the instance torn down before it left running. */
export type ReloadResult = LoadResult

export function leaksIn(events: readonly RecordedEvent[]): Leak[] {
  return events.flatMap((e) => (e.type === 'leak-detected' ? e.payload.leaks : []))
}

export function loadResult(info: PluginInfo | undefined, events: RecordedEvent[]): LoadResult {
  const restored = events.find((e) => e.type === 'state-restored')?.payload as PluginHostEvents['state-restored'] | undefined
  const active = info !== undefined && info.status !== 'failed' && info.status !== 'starting'
  return {
    active,
    ...(info?.error ? { error: info.error } : {}),
    stateRestored: restored !== undefined,
    ...(restored?.migratedFrom !== undefined ? { migratedFrom: restored.migratedFrom } : {}),
    leaks: leaksIn(events),
    events,
  }
}

export function swapResult(result: PluginReloadResult, events: RecordedEvent[], plugin: { owes: boolean; runs: boolean }): SwapResult {
  const failed = events.find((e) => e.type === 'reload-failed')?.payload as PluginHostEvents['reload-failed'] | undefined
  return {
    outcome: result.outcome,
    stateKept: result.outcome === 'swapped' ? result.stateKept : plugin.runs && !plugin.owes,
    ...(failed ? { error: failed.error } : {}),
    leaks: leaksIn(events),
    durationMs: result.durationMs,
    events,
  }
}
