import { runningDependencyNodes } from '../../host/records.js'
import { firstDependedOn, orderByDependencies } from '../../graph/order.js'
import type { HostCore } from '../../host/core.js'
import type { PluginRecord } from '../../host/records.js'
import { NO_STATE, type TakenState } from '../state/handoff.js'
import type { PluginModule, Teardown } from '../../host/types.js'

/** A running plugin of a batch and the version it is to run. */
export interface LiveMember {
  record: PluginRecord
  next: PluginModule
}

/** One plugin the batch stops and starts again. */
export interface Slot {
  record: PluginRecord
  previous: PluginModule
  next: PluginModule
  /** A member of the batch (else a dependent, started again with the same version). */
  member: boolean
  /** For a dependent: the member it depends on. */
  via: string | undefined
  /** What the running instance had: given back on a rollback. */
  own: TakenState
  /** What the next instance gets: for a member, the state the plugin owes, if any, else `own`. */
  state: TakenState
  /** `state` as the next instance takes it (migrated), once it is being started. */
  handed: TakenState
  /** What the next instance's `activate` returned. */
  teardown: Teardown | undefined
  /** Whether the next instance was activated (a rollback tears it down). */
  started: boolean
}

/**
 * The plan of a batch: its running members and (with `withDependents`) the running plugins that
 * depend on them, each once, dependencies first. A dependent is named after the first member it
 * depends on. A new version that makes a cycle still gets its chance (and fails on its own): last.
 */
export function planBatch(core: HostCore, live: readonly LiveMember[], withDependents: boolean): Slot[] {
  const nextById = new Map(live.map((l) => [l.record.id, l.next]))
  const nodes = runningDependencyNodes(core.records.values(), nextById)
  const via = withDependents ? firstDependedOn([...nextById.keys()], nodes) : new Map<string, string>()
  const ids = new Set([...nextById.keys(), ...via.keys()])
  const { order, blocked } = orderByDependencies(
    nodes.filter((n) => ids.has(n.id)).map((n) => ({ id: n.id, dependsOn: n.dependsOn.filter((dep) => ids.has(dep)) })),
  )
  return [...order, ...blocked.keys()].map((id) => {
    const record = core.records.get(id)!
    const previous = record.module!
    return {
      record,
      previous,
      next: nextById.get(id) ?? previous,
      member: nextById.has(id),
      via: via.get(id),
      own: NO_STATE,
      state: NO_STATE,
      handed: NO_STATE,
      teardown: undefined,
      started: false,
    }
  })
}
