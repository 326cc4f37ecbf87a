import type { FullReloadReason } from '../engine/recovery/recovery.js'
import { createTabIdentity, TAB_HANDSHAKE_WAIT_MS, type TabIdentity } from '../engine/state/tab-handshake.js'
import type { HotReloadSettings } from '../host/types.js'
import {
  SESSION_HOT_RELOAD_KEY_PREFIX,
  SESSION_RELOAD_REASON_KEY_PREFIX,
  SESSION_RESTORE_KEY_PREFIX,
  SESSION_TAB_KEY,
} from '../protocol/index.js'
import { broadcastTabChannel } from './tab-channel.js'

/** What this tab remembers across its own reloads (sessionStorage: per tab, per origin). */
export interface TabSession {
  /**
   * This tab's id: two tabs of one project keep separate state. A tab the browser duplicated starts
   * with its original's id, and takes its own once the original answers (`settled`).
   */
  tab: TabIdentity
  /** Notes that the coming reload is made by the dev tools, so state is restored after it. */
  markRestorePending(): void
  /** Whether the reload that loaded this page was marked; clears the mark. */
  takeRestorePending(): boolean
  /** Keeps why this product is about to reload the page. */
  rememberReloadReason(reason: FullReloadReason): void
  /** Why this product reloaded the page, if it did; clears it. */
  takeReloadReason(): FullReloadReason | undefined
  /** The hot-reload on/off settings of this tab, as last changed. */
  loadHotReloadSettings(): HotReloadSettings | undefined
  saveHotReloadSettings(settings: HotReloadSettings): void
}

export function createTabSession(project: string): TabSession {
  const storage = sessionStorageOrMemory()
  const restoreKey = SESSION_RESTORE_KEY_PREFIX + project
  const reasonKey = SESSION_RELOAD_REASON_KEY_PREFIX + project
  const hotReloadKey = SESSION_HOT_RELOAD_KEY_PREFIX + project
  const tab = createTabIdentity({
    stored: storage.getItem(SESSION_TAB_KEY) || undefined,
    channel: broadcastTabChannel(),
    newId: randomId,
    startedAt: performance.timeOrigin,
    waitMs: TAB_HANDSHAKE_WAIT_MS,
    setTimer: (run, ms) => void setTimeout(run, ms),
  })
  storage.setItem(SESSION_TAB_KEY, tab.initial)
  void tab.settled.then(({ id }) => storage.setItem(SESSION_TAB_KEY, id))
  return {
    tab,
    markRestorePending: () => storage.setItem(restoreKey, String(Date.now())),
    takeRestorePending() {
      const marked = storage.getItem(restoreKey) !== null
      storage.removeItem(restoreKey)
      return marked
    },
    rememberReloadReason: (reason) => storage.setItem(reasonKey, JSON.stringify(reason)),
    loadHotReloadSettings() {
      const saved = parse(storage.getItem(hotReloadKey)) as Partial<HotReloadSettings> | undefined
      return typeof saved?.enabled === 'boolean' && Array.isArray(saved.disabled)
        ? { enabled: saved.enabled, disabled: saved.disabled.filter((id): id is string => typeof id === 'string') }
        : undefined
    },
    saveHotReloadSettings: (settings) => storage.setItem(hotReloadKey, JSON.stringify(settings)),
    takeReloadReason() {
      const raw = storage.getItem(reasonKey)
      storage.removeItem(reasonKey)
      return parse(raw) as FullReloadReason | undefined
    },
  }
}

function parse(raw: string | null): unknown {
  try {
    return raw === null ? undefined : JSON.parse(raw)
  } catch {
    return undefined
  }
}

type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** This tab's sessionStorage, or a memory stand-in where storage is disabled. */
export function sessionStorageOrMemory(): KeyValue {
  try {
    const probe = '__hot-plugins-probe__'
    sessionStorage.setItem(probe, probe)
    sessionStorage.removeItem(probe)
    return sessionStorage
  } catch {
    // Storage disabled (privacy settings, sandboxed iframe): the tab id lasts until the next reload.
    const memory = new Map<string, string>()
    return {
      getItem: (key) => memory.get(key) ?? null,
      setItem: (key, value) => void memory.set(key, value),
      removeItem: (key) => void memory.delete(key),
    }
  }
}

function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}
