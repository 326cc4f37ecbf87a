import { createStore, delMany, entries, get, getMany, keys, promisifyRequest, type UseStore } from 'idb-keyval'
import type { PersistedState } from '../engine/state/state.js'
import type { TabStateStore } from '../engine/state/tab-handshake.js'
import { STATE_DB_NAME, STATE_STORE_NAME } from '../protocol/index.js'

export interface IdbStateStore extends TabStateStore {
  /**
   * Deletes other tabs' and sessions' records not saved for `maxAgeMs`, then the oldest of them
   * beyond `maxRecords` in all (this tab's own records always stay). Returns how many it deleted.
   */
  prune(now: number, maxAgeMs: number, maxRecords: number): Promise<number>
}

type Key = [project: string, tab: string, pluginId: string, ...rest: (string | number)[]]

/**
 * Plugin state in IndexedDB (through idb-keyval), keyed by project, tab and plugin id, so two
 * projects on one origin, or two tabs of one project, never see each other's state. `tab` is read on
 * every call where it may change (a duplicated tab takes its own id once it knows it is one).
 */
export function createIdbStore(
  project: string,
  tab: string | (() => string),
  db: UseStore = createStore(STATE_DB_NAME, STATE_STORE_NAME),
): IdbStateStore {
  const tabNow = typeof tab === 'string' ? () => tab : tab
  const key = (pluginId: string, ...rest: (string | number)[]): Key => [project, tabNow(), pluginId, ...rest]
  const ofTab = (k: IDBValidKey, which: string): k is Key => Array.isArray(k) && k[0] === project && k[1] === which
  const ours = (k: IDBValidKey, pluginId?: string): boolean => ofTab(k, tabNow()) && (pluginId === undefined || k[2] === pluginId)

  // One transaction for all, committed at once rather than when the event loop comes back: the page
  // may be about to go away.
  const put = (records: readonly (readonly [Key, PersistedState])[]) =>
    db('readwrite', (store) => {
      for (const [k, value] of records) store.put(value, k)
      store.transaction.commit?.()
      return promisifyRequest(store.transaction)
    })

  return {
    load: (pluginId) => get(key(pluginId), db),
    loadMany: (pluginIds) => getMany(pluginIds.map((pluginId) => key(pluginId)), db),
    saveMany: (records) => put(records.map(([pluginId, record]) => [key(pluginId), record] as const)),
    setAside: (pluginId, record) => put([[key(pluginId, 'set-aside', record.stateVersion ?? 0), record]]),
    async copyTab(from, to) {
      const records = (await entries<IDBValidKey, PersistedState>(db)).filter(([k]) => ofTab(k, from))
      if (records.length > 0) await put(records.map(([k, value]) => [[project, to, ...(k as Key).slice(2)] as Key, value] as const))
      return records.length
    },
    async clear(pluginId) {
      const all = await keys(db)
      await delMany(all.filter((k) => ours(k, pluginId)), db)
    },
    async prune(now, maxAgeMs, maxRecords) {
      const all = await entries<IDBValidKey, unknown>(db)
      const savedAt = (value: unknown) => {
        const time = (value as { savedAt?: unknown } | null)?.savedAt
        return typeof time === 'number' ? time : 0
      }
      const others = all.filter(([k]) => !ours(k))
      const expired = others.filter(([, value]) => now - savedAt(value) > maxAgeMs)
      const room = Math.max(0, maxRecords - (all.length - others.length))
      const overflow = others
        .filter((entry) => !expired.includes(entry))
        .sort((a, b) => savedAt(b[1]) - savedAt(a[1]))
        .slice(room)
      const doomed = [...expired, ...overflow].map(([k]) => k)
      if (doomed.length > 0) await delMany(doomed, db)
      return doomed.length
    },
  }
}
