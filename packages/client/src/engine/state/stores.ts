import { describe } from '../../host/errors.js'
import { loadEach, type PersistedState, type StateStore } from './state.js'
import type { Logger } from '../../host/types.js'

/** A store that lives as long as the page: the fallback when IndexedDB cannot be used. */
export function createMemoryStore(): StateStore {
  const records = new Map<string, PersistedState>()
  return {
    load: async (id) => records.get(id),
    saveMany: async (entries) => {
      for (const [id, record] of entries) records.set(id, record)
    },
    setAside: async (id, record) => void records.set(`${id}\u0000set-aside:${record.stateVersion ?? 0}`, record),
    clear: async (id) => {
      if (id === undefined) records.clear()
      else for (const key of [...records.keys()]) if (key === id || key.startsWith(`${id}\u0000`)) records.delete(key)
    },
  }
}

/**
 * Wraps a durable store so its failures never reach a swap: the first failure (IndexedDB missing,
 * blocked, over quota…) is warned about once and every later call goes to memory instead.
 */
export function createResilientStore(durable: StateStore, logger: Logger): StateStore {
  const memory = createMemoryStore()
  let active: StateStore = durable
  const guarded =
    <A extends unknown[], R>(call: (store: StateStore, ...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (active === memory) return call(memory, ...args)
      try {
        return await call(active, ...args)
      } catch (error) {
        if (active !== memory) {
          active = memory
          logger.warn(
            `plugin state cannot be persisted in IndexedDB (${describe(error)}); it is kept in memory only, so it will not survive a page reload. Hot swaps are not affected.`,
          )
        }
        return call(memory, ...args)
      }
    }
  return {
    load: guarded((store, id: string) => store.load(id)),
    loadMany: guarded((store, ids: readonly string[]) => loadEach(store, ids)),
    saveMany: guarded((store, entries: readonly (readonly [string, PersistedState])[]) => store.saveMany(entries)),
    setAside: guarded((store, id: string, record: PersistedState) => store.setAside(id, record)),
    clear: guarded((store, id?: string) => store.clear(id)),
  }
}
