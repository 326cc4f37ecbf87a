import { describe } from '../../host/errors.js'
import type { HostCore, StateHooks } from '../../host/core.js'
import type { PluginRecord } from '../../host/records.js'
import { adaptState, findUncloneable, isPersistedState, type PersistedState, type StateStore } from './state.js'
import { soon } from '../timers.js'
import type { TakenState } from './handoff.js'
import type { PluginModule } from '../../host/types.js'

export interface PersistenceConfig {
  /** Where state goes; wrap a durable store with `createResilientStore`. */
  store: StateStore
  /** Whether saved state is given back to plugins at start (after a reload the dev tools made, or always). */
  restore: boolean
  /** Ids whose saved state to start reading at once, so a restore does not wait on the store. */
  prefetch?: readonly string[]
  /** Wall-clock time for `savedAt`. @default Date.now */
  wallClock?: () => number
  /** Runs a task soon, off the critical path of a swap. @default setTimeout(task, 0) */
  schedule?: (task: () => void) => void
}

export interface Persistence {
  /** The hooks a host calls at start and during swaps. */
  hooksFor(core: HostCore): StateHooks
  /** Takes the state of every running plugin of these hosts and persists it; resolves once written. */
  snapshot(hosts: Iterable<HostCore>): Promise<void>
  /** Resolves once every write scheduled so far is done. */
  flush(): Promise<void>
}

interface PendingWrite {
  core: HostCore
  record: PluginRecord
  saved: PersistedState
}

/** State as `module`'s instance gave it. */
function stateOf(module: PluginModule, value: unknown): Omit<TakenState, 'has'> {
  return { value, stateVersion: module.meta?.stateVersion, pluginVersion: module.meta?.version }
}

/**
 * Persists plugin state behind the swaps (write-behind: a swap never waits for the store) and gives
 * it back at start. State that cannot be stored faithfully is still handed over in memory; it is
 * only not persisted, with one warning naming the plugin and the offending value.
 */
export function createPersistence(config: PersistenceConfig): Persistence {
  const { store, restore } = config
  const wallClock = config.wallClock ?? Date.now
  const schedule = config.schedule ?? soon
  const pending = new Map<string, PendingWrite>()
  const lastKnown = new Map<string, PersistedState>()
  const refusedOnce = new Set<string>()
  const prefetched = new Map<string, Promise<unknown>>()
  let scheduled = false
  let inFlight: Promise<void> = Promise.resolve()

  const load = (id: string): Promise<unknown> => {
    let loading = prefetched.get(id)
    if (!loading) prefetched.set(id, (loading = store.load(id)))
    return loading
  }
  if (restore) for (const id of config.prefetch ?? []) void load(id)

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

  /** Persists the plugin's state, or, while it owes one, the state it owes (never the empty one it runs with). */
  const remember = (core: HostCore, record: PluginRecord, own: (() => Omit<TakenState, 'has'>) | undefined): void => {
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

  const checked = (core: HostCore, record: PluginRecord, raw: unknown): PersistedState | undefined => {
    if (raw === undefined) return undefined
    if (isPersistedState(raw)) return raw
    core.warn(record, 'its saved state is corrupt or of an unknown shape; it was ignored and the plugin starts fresh')
    return undefined
  }

  return {
    flush,
    hooksFor(core) {
      return {
        async restore(record, module) {
          if (!restore) return undefined
          const saved = checked(core, record, await load(record.id))
          if (!saved || typeof module.setReloadState !== 'function') return undefined
          const adapted = adaptState(saved.state, saved.stateVersion, module)
          if (!adapted.ok) {
            core.warn(record, adapted.reason, adapted.error)
            void store.setAside(record.id, saved)
            return undefined
          }
          try {
            await module.setReloadState(adapted.state, {
              reason: 'restore',
              fromVersion: saved.pluginVersion,
              fromStateVersion: saved.stateVersion,
            })
          } catch (error) {
            // Owed: its next version gets this state, and nothing it runs with now is saved over it.
            record.owed = { has: true, value: saved.state, stateVersion: saved.stateVersion, pluginVersion: saved.pluginVersion }
            core.warn(
              record,
              `setReloadState() threw while restoring its saved state (${describe(error)}); it runs without that state, and the saved copy is kept for its next version`,
              error,
            )
            return { error }
          }
          lastKnown.set(record.id, saved)
          record.owed = undefined
          core.events.emit('state-restored', {
            id: record.id,
            file: record.file,
            savedAt: saved.savedAt,
            migratedFrom: adapted.migratedFrom,
          })
          return undefined
        },
        handedOver(record, module, state) {
          remember(core, record, () => stateOf(module, state))
        },
        async lastKnown(record) {
          return lastKnown.get(record.id) ?? checked(core, record, await store.load(record.id))
        },
        setAside(record, saved) {
          void store.setAside(record.id, saved)
        },
        async clear(id) {
          for (const key of id === undefined ? [...lastKnown.keys()] : [id]) {
            lastKnown.delete(key)
            pending.delete(key)
            prefetched.delete(key)
          }
          await store.clear(id)
        },
      }
    },
    async snapshot(hosts) {
      for (const core of hosts) {
        for (const record of core.records.values()) {
          const module = record.module
          if (record.owed) {
            remember(core, record, undefined)
            continue
          }
          if (!module || typeof module.getReloadState !== 'function') continue
          try {
            remember(core, record, () => stateOf(module, module.getReloadState!()))
          } catch (error) {
            core.warn(record, `getReloadState() threw; its last saved state is kept (${describe(error)})`, error)
          }
        }
      }
      await flush()
    },
  }
}
