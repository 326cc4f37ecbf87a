import { runningDependencyNodes } from '../host/records.js'
import { dependentsOf } from '../graph/order.js'
import type { HostCore } from '../host/core.js'
import { PluginError } from '../host/errors.js'
import { newRecord, type PluginRecord } from '../host/records.js'
import { park, parkedState, parkIfWaiting, startParked, unpark } from '../host/start-order.js'
import { keptStateGiver, NO_STATE, stateForNext, takeState, type TakenState } from './state/handoff.js'
import type { PluginEntry, PluginModule } from '../host/types.js'

/**
 * A plugin entry created while the app runs: imports and activates it (without a page reload),
 * with the state it had if it was deleted moments ago. A plugin waiting for it starts after it.
 */
export function addPlugin(core: HostCore, entry: PluginEntry, startedAt: number): Promise<void> {
  return core.enqueue(async () => {
    if (core.records.has(entry.id)) return
    const record = newRecord(entry)
    core.records.set(entry.id, record)
    core.events.emit('plugin-added', { id: record.id, file: record.file })
    let module: PluginModule
    try {
      module = await entry.load()
    } catch (error) {
      core.fail(record, new PluginError(record.id, record.file, 'load', error))
      return
    }
    const kept = core.departed.get(record.id)
    core.departed.delete(record.id)
    const started = await startOrPark(core, record, module, startedAt, kept ?? NO_STATE)
    if (started) await startWaiting(core, startedAt)
  })
}

/**
 * A plugin entry deleted while the app runs: the plugins that depend on it stop first (kept aside
 * with their state, to start again if it comes back), then it is torn down and forgotten. Its
 * state is kept (in memory, and persisted when persistence is on) in case it comes back.
 */
export function removePlugin(core: HostCore, id: string): Promise<void> {
  return core.enqueue(async () => {
    const record = core.records.get(id)
    if (!record) return
    await parkDependents(core, record)
    const module = record.module
    if (module) {
      const state = stateForNext(record, await takeState(core, record, module))
      await core.stop(record)
      if (state.has) {
        core.departed.set(id, state)
        core.stateHooks?.handedOver(record, module, state.value)
      }
    } else {
      const waiting = parkedState(core, id)
      const kept = waiting?.has ? waiting : record.owed
      if (kept?.has) core.departed.set(id, kept)
    }
    core.records.delete(id)
    unpark(core, id)
    core.events.emit('plugin-removed', { id, file: record.file, stateKept: core.departed.has(id) })
  })
}

/** The running plugins that depend on `record` stop, last first, and wait (parked) with their state. */
async function parkDependents(core: HostCore, record: PluginRecord): Promise<void> {
  const ids = dependentsOf(record.id, runningDependencyNodes(core.records.values()))
  for (const dependentId of [...ids].reverse()) {
    const dependent = core.records.get(dependentId)!
    const module = dependent.module!
    const state = stateForNext(dependent, await takeState(core, dependent, module))
    await core.stop(dependent)
    const reason = `stopped: it depends on "${record.id}", whose entry (${record.file}) was deleted; it starts again, with its state, when "${record.id}" is back`
    core.fail(dependent, park(core, dependent, module, state, reason))
  }
}

/** Activates `module` if every plugin it depends on runs; otherwise parks it, reported. */
async function startOrPark(core: HostCore, record: PluginRecord, module: PluginModule, startedAt: number, state: TakenState): Promise<boolean> {
  const waiting = parkIfWaiting(core, record, module, state)
  if (!waiting) return core.start(record, module, { startedAt, giveState: keptStateGiver(core, state) })
  core.fail(record, waiting)
  return false
}

/** The parked plugins whose dependencies run now start, each with the state it kept. */
export function startWaiting(core: HostCore, startedAt: number): Promise<void> {
  return startParked(core, startedAt, (kept) => keptStateGiver(core, kept))
}

/** A plugin's entry moved to another file (its id unchanged): the same plugin, its file updated. */
export function relocatePlugin(core: HostCore, id: string, file: string): void {
  const record = core.records.get(id)
  if (record) record.file = file
}
