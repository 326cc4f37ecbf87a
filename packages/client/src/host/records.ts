import { dependsOnOf } from '../graph/dependencies.js'
import type { DependencyNode } from '../graph/order.js'
import type { TakenState } from './state.js'
import type { LastGoodInfo, PluginInfo, PluginModule, PluginStatus, Teardown } from './types.js'

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

/** A record for a plugin the host does not run yet (status `starting`). */
export function newRecord(entry: { id: string; file: string }): PluginRecord {
  return {
    id: entry.id,
    file: entry.file,
    status: 'starting',
    version: undefined,
    reloadCount: 0,
    lastReloadMs: undefined,
    error: undefined,
    module: undefined,
    teardown: undefined,
    context: undefined,
    owed: undefined,
    lastGood: undefined,
  }
}

/**
 * Whether a plugin runs: an instance of it is active (a swap in progress or a rolled-back swap
 * included). The plugins that depend on it may run only then; `host.start` reports it active.
 */
export function isRunning(record: PluginRecord | undefined): record is PluginRecord & { module: PluginModule } {
  return record?.module !== undefined && record.status !== 'failed' && record.status !== 'starting'
}

/** The status a user sees (`host.get(id).status`, the control API): a plugin at rest whose hot reload is off shows `disabled`. */
export function displayedStatus(record: PluginRecord, hotReload: boolean): PluginStatus {
  return record.status === 'idle' && !hotReload ? 'disabled' : record.status
}

/** What `host.plugins()` and `host.get(id)` tell about a plugin: a copy, detached from the record. */
export function pluginInfo(record: PluginRecord, hotReload: boolean): PluginInfo {
  const { id, file, version, reloadCount, lastReloadMs, error, lastGood } = record
  const status = displayedStatus(record, hotReload)
  return { id, file, status, version, reloadCount, lastReloadMs, error, ...(lastGood ? { lastGood: { ...lastGood } } : {}) }
}

/**
 * The running plugins as the dependency order sees them. `next`: new versions about to replace
 * some of them, whose `dependsOn` counts instead.
 */
export function runningDependencyNodes(
  records: Iterable<PluginRecord>,
  next: ReadonlyMap<string, PluginModule> = new Map(),
): DependencyNode[] {
  return [...records]
    .filter(isRunning)
    .map((record) => ({ id: record.id, dependsOn: dependsOnOf(next.get(record.id) ?? record.module) }))
}
