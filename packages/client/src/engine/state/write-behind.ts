import { describe } from '../../host/errors.js'
import type { HostCore } from '../../host/core.js'
import type { PluginRecord } from '../../host/records.js'
import { findUncloneable, type PersistedState, type StateStore } from './state.js'
import type { TakenState } from './handoff.js'

/** State as an instance gave it, without the `has` flag. */
export type OwnState = Omit<TakenState, 'has'>

/**
 * Writes plugin state behind the swaps: `remember` queues the latest state of a plugin and
 * schedules one write of everything queued (a swap never waits for the store).
 */
export interface WriteBehind {
  /** Queues the plugin's state, or, while it owes one, the state it owes (never the empty one it runs with). */
  remember(core: HostCore, record: PluginRecord, own: (() => OwnState) | undefined): void
  /** Writes everything queued now; resolves once every write started so far is done. */
  flush(): Promise<void>
  /** Drops what is queued for a plugin (its state was cleared). */
  drop(id: string): void
}

export interface WriteBehindConfig {
  store: StateStore
  wallClock: () => number
  schedule: (task: () => void) => void
  /** The last state known for each plugin: every state queued is recorded here. */
  lastKnown: Map<string, PersistedState>
}

interface PendingWrite {
  core: HostCore
  record: PluginRecord
  saved: PersistedState
}

export function createWriteBehind({ store, wallClock, schedule, lastKnown }: WriteBehindConfig): WriteBehind {
  const pending = new Map<string, PendingWrite>()
  const refusedOnce = new Set<string>()
  let scheduled = false
  let inFlight: Promise<void> = Promise.resolve()

  /** Whether the state can be stored faithfully; warns once per plugin when it cannot. */
  const storable = ({ core, record, saved }: PendingWrite): boolean => {
    const problem = findUncloneable(saved.state)
    if (!problem) return true
    if (!refusedOnce.has(record.id)) {
      refusedOnce.add(record.id)
      core.warn(
        record,
        `its state is not persisted: ${problem} cannot be stored faithfully in IndexedDB. It is still handed over in memory on hot swaps, but will not survive a page reload.`,
      )
    }
    return false
  }

  /**
   * Writes everything pending in one go, starting at once (not behind earlier writes: the store
   * orders them), so that a snapshot taken as the page goes away is written whole or not at all.
   */
  const flush = (): Promise<void> => {
    const batch = [...pending.values()].filter(storable)
    pending.clear()
    const written =
      batch.length === 0
        ? Promise.resolve()
        : store.saveMany(batch.map((p) => [p.record.id, p.saved] as const)).catch((error: unknown) => {
            for (const { core, record } of batch) {
              core.warn(record, `saving its state failed (${describe(error)}); the previous saved copy is kept`, error)
            }
          })
    inFlight = Promise.all([inFlight, written]).then(() => undefined)
    return inFlight
  }

  const remember: WriteBehind['remember'] = (core, record, own) => {
    const kept = record.owed ?? own?.()
    if (!kept) return
    const saved: PersistedState = {
      format: 1,
      state: kept.value,
      stateVersion: kept.stateVersion,
      pluginVersion: kept.pluginVersion,
      savedAt: wallClock(),
    }
    lastKnown.set(record.id, saved)
    pending.set(record.id, { core, record, saved })
    if (scheduled) return
    scheduled = true
    schedule(() => {
      scheduled = false
      void flush()
    })
  }

  return { remember, flush, drop: (id) => void pending.delete(id) }
}
