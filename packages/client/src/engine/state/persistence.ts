import { describe } from '../../host/errors.js'
import { runAsPlugin } from '../../host/lifecycle.js'
import type { HostCore, StateHooks, StateRefused } from '../../host/core.js'
import type { PluginRecord } from '../../host/records.js'
import { adaptState, isPersistedState, loadEach, type PersistedState, type StateStore } from './state.js'
import { soon } from '../../host/timers.js'
import { createWriteBehind, type OwnState, type WriteBehind } from './write-behind.js'
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

/** State as `module`'s instance gave it. */
function stateOf(module: PluginModule, value: unknown): OwnState {
  return { value, stateVersion: module.meta?.stateVersion, pluginVersion: module.meta?.version }
}

/**
 * Persists plugin state behind the swaps (write-behind: a swap never waits for the store) and gives
 * it back at start. State that cannot be stored faithfully is still handed over in memory; it is
 * only not persisted, with one warning naming the plugin and the offending value.
 */
export function createPersistence(config: PersistenceConfig): Persistence {
  const { store, restore } = config
  const lastKnown = new Map<string, PersistedState>()
  const prefetched = new Map<string, Promise<unknown>>()
  const writes = createWriteBehind({ store, lastKnown, wallClock: config.wallClock ?? Date.now, schedule: config.schedule ?? soon })

  const load = (id: string): Promise<unknown> => {
    let loading = prefetched.get(id)
    if (!loading) prefetched.set(id, (loading = store.load(id)))
    return loading
  }
  // Every restored state in one read (one IndexedDB transaction for a thousand plugins, not a thousand).
  const prefetch = config.prefetch ?? []
  if (restore && prefetch.length > 0) {
    const all = loadEach(store, prefetch)
    prefetch.forEach((id, i) => prefetched.set(id, all.then((values) => values[i])))
  }

  return {
    flush: writes.flush,
    hooksFor(core) {
      return {
        async restore(record, module) {
          if (!restore) return undefined
          const saved = checked(core, record, await load(record.id))
          if (!saved || typeof module.setReloadState !== 'function') return undefined
          return restoreSaved(core, record, module, saved, { store, lastKnown })
        },
        handedOver(record, module, state) {
          writes.remember(core, record, () => stateOf(module, state))
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
            writes.drop(key)
            prefetched.delete(key)
          }
          await store.clear(id)
        },
      }
    },
    async snapshot(hosts) {
      for (const core of hosts) for (const record of core.records.values()) snapshotOne(core, record, writes)
      await writes.flush()
    },
  }
}

/** Queues the state of one plugin: the state it owes, else what its running instance gives. */
function snapshotOne(core: HostCore, record: PluginRecord, writes: WriteBehind): void {
  const module = record.module
  if (record.owed) return writes.remember(core, record, undefined)
  if (!module || typeof module.getReloadState !== 'function') return
  try {
    writes.remember(core, record, () => stateOf(module, module.getReloadState!()))
  } catch (error) {
    core.warn(record, `getReloadState() threw; its last saved state is kept (${describe(error)})`, error)
  }
}

/** Saved state read back from the store, if it has the shape of one (else warned about and ignored). */
function checked(core: HostCore, record: PluginRecord, raw: unknown): PersistedState | undefined {
  if (raw === undefined) return undefined
  if (isPersistedState(raw)) return raw
  core.warn(record, 'its saved state is corrupt or of an unknown shape; it was ignored and the plugin starts fresh')
  return undefined
}

/**
 * Gives a starting plugin its saved state, migrated to its stateVersion (or set aside when it
 * cannot be). If its `setReloadState` throws, it runs without it and owes it; resolves to why.
 * Taken, it is the last state known for the plugin.
 */
async function restoreSaved(
  core: HostCore,
  record: PluginRecord,
  module: PluginModule,
  saved: PersistedState,
  { store, lastKnown }: { store: StateStore; lastKnown: Map<string, PersistedState> },
): Promise<StateRefused | undefined> {
  const adapted = adaptState(saved.state, saved.stateVersion, module)
  if (!adapted.ok) {
    core.warn(record, adapted.reason, adapted.error)
    void store.setAside(record.id, saved)
    return undefined
  }
  try {
    const info = { reason: 'restore' as const, fromVersion: saved.pluginVersion, fromStateVersion: saved.stateVersion }
    await runAsPlugin(core, record, () => module.setReloadState!(adapted.state, info))
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
}
