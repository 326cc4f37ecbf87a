import { dependsOnOf, runningDependencyNodes } from '../graph/dependencies.js'
import { PluginError } from '../host/errors.js'
import { fitState, giveState, NO_STATE, owe, stateForNext, takeState, type TakenState } from './state/handoff.js'
import type { GiveState, HostInternals, PluginRecord } from '../host/internals.js'
import { dependentsOf, orderByDependencies } from '../graph/order.js'
import type { PluginEntry, PluginModule } from '../host/types.js'

/** Whether a plugin runs, so that plugins depending on it may run too. */
function runs(internals: HostInternals, id: string): boolean {
  const record = internals.records.get(id)
  return record?.module !== undefined && record.status !== 'failed' && record.status !== 'starting'
}

/** The first plugin `module` depends on that does not run, if any. */
function missingDependency(internals: HostInternals, module: PluginModule): string | undefined {
  return dependsOnOf(module).find((dep) => !runs(internals, dep))
}

/**
 * A plugin entry created while the app runs: imports and activates it (without a page reload),
 * with the state it had if it was deleted moments ago. A plugin waiting for it starts after it.
 */
export function addPlugin(internals: HostInternals, entry: PluginEntry, startedAt: number): Promise<void> {
  return internals.enqueue(async () => {
    if (internals.records.has(entry.id)) return
    const record = internals.register(entry)
    internals.events.emit('plugin-added', { id: record.id, file: record.file })
    let module: PluginModule
    try {
      module = await entry.load()
    } catch (error) {
      internals.fail(record, new PluginError(record.id, record.file, 'load', error))
      return
    }
    const kept = internals.departed.get(record.id)
    internals.departed.delete(record.id)
    const started = await startOrPark(internals, record, module, startedAt, kept ?? NO_STATE)
    if (started) await startParked(internals, startedAt)
  })
}

/**
 * A plugin entry deleted while the app runs: the plugins that depend on it stop first (kept aside
 * with their state, to start again if it comes back), then it is torn down and forgotten. Its
 * state is kept (in memory, and persisted when persistence is on) in case it comes back.
 */
export function removePlugin(internals: HostInternals, id: string): Promise<void> {
  return internals.enqueue(async () => {
    const record = internals.records.get(id)
    if (!record) return
    await parkDependents(internals, record)
    let state: TakenState = NO_STATE
    const module = record.module
    if (module) {
      state = stateForNext(record, await takeState(internals, record, module))
      await internals.deactivate(record, module, record.teardown)
      if (state.has) {
        internals.departed.set(id, state)
        internals.stateHooks?.handedOver(record, module, state.value)
      }
    } else {
      const waiting = internals.parked.get(id)?.state
      const kept = waiting?.has ? waiting : record.owed
      if (kept?.has) internals.departed.set(id, kept)
    }
    record.module = undefined
    record.teardown = undefined
    internals.unregister(id)
    internals.events.emit('plugin-removed', { id, file: record.file, stateKept: internals.departed.has(id) })
  })
}

/** The running plugins that depend on `record` stop, last first, and wait with their state. */
async function parkDependents(internals: HostInternals, record: PluginRecord): Promise<void> {
  const ids = dependentsOf(record.id, runningDependencyNodes(internals.records.values()))
  for (const dependentId of [...ids].reverse()) {
    const dependent = internals.records.get(dependentId)!
    const module = dependent.module!
    const state = stateForNext(dependent, await takeState(internals, dependent, module))
    await internals.deactivate(dependent, module, dependent.teardown)
    dependent.module = undefined
    dependent.teardown = undefined
    internals.parked.set(dependentId, { module, state })
    const reason = `stopped: it depends on "${record.id}", whose entry (${record.file}) was deleted; it starts again, with its state, when "${record.id}" is back`
    internals.fail(dependent, new PluginError(dependentId, dependent.file, 'activate', undefined, reason))
  }
}

/** Activates `module` if every plugin it depends on runs; otherwise keeps it aside, reported. */
async function startOrPark(
  internals: HostInternals,
  record: PluginRecord,
  module: PluginModule,
  startedAt: number,
  state: TakenState,
): Promise<boolean> {
  const waiting = parkIfWaiting(internals, record, module, state)
  if (!waiting) return internals.startPlugin(record, module, startedAt, keptStateGiver(internals, state))
  internals.fail(record, waiting)
  return false
}

/**
 * If a plugin it depends on does not run, keeps `module` aside (with `state`) to start once it
 * does, and returns the error that says why (naming a missing plugin or a cycle, as at start).
 */
export function parkIfWaiting(internals: HostInternals, record: PluginRecord, module: PluginModule, state: TakenState): PluginError | undefined {
  const missing = missingDependency(internals, module)
  if (missing === undefined) return undefined
  internals.parked.set(record.id, { module, state })
  const reason = `not activated: ${whyWaiting(internals, record.id) ?? `it depends on "${missing}", which is not running`}; it starts once "${missing}" runs`
  return new PluginError(record.id, record.file, 'activate', undefined, reason)
}

/** Names a missing plugin or a cycle among the waiting plugins, as at start. */
function whyWaiting(internals: HostInternals, id: string): string | undefined {
  const nodes = [...internals.records.values()].map((record) => {
    const waiting = internals.parked.get(record.id)
    return { id: record.id, dependsOn: waiting ? dependsOnOf(waiting.module) : [] }
  })
  return orderByDependencies(nodes).blocked.get(id)
}

/**
 * Starts the plugins kept aside whose dependencies all run now (after a plugin was added, or a
 * failed one came back), dependencies first, each with the state it had.
 */
export async function startParked(internals: HostInternals, startedAt: number): Promise<void> {
  // Each round starts those whose dependencies run; a chain (a → b → c) takes one round per link.
  for (;;) {
    const ready = [...internals.parked].filter(([id, { module }]) => internals.records.has(id) && !missingDependency(internals, module))
    if (ready.length === 0) return
    let progressed = false
    for (const [id, waiting] of ready) {
      internals.parked.delete(id)
      const giver = keptStateGiver(internals, waiting.state ?? NO_STATE)
      if (await internals.startPlugin(internals.records.get(id)!, waiting.module, startedAt, giver)) progressed = true
    }
    if (!progressed) return
  }
}

/**
 * Gives a plugin starting again the state it had when it stopped (migrated if its stateVersion
 * changed); without such state, the state saved for it, as at start. If its `setReloadState`
 * throws, it runs without that state, which it then owes to its next version.
 */
export function keptStateGiver(internals: HostInternals, kept: TakenState): GiveState | undefined {
  if (!kept.has) return undefined
  return async (record, module) => {
    const fitted = fitState(internals, record, kept, module)
    try {
      await giveState(internals, record, module, fitted, { reason: 'restore', fromVersion: kept.pluginVersion, fromStateVersion: kept.stateVersion })
    } catch (error) {
      owe(record, kept)
      internals.warn(record, `${(error as PluginError).reason}; it runs without its previous state, which is kept for its next version`, error)
      return
    }
    if (record.owed === kept) record.owed = undefined
  }
}

/** A plugin's entry moved to another file (its id unchanged): the same plugin, its file updated. */
export function relocatePlugin(internals: HostInternals, id: string, file: string): void {
  const record = internals.records.get(id)
  if (record) record.file = file
}
