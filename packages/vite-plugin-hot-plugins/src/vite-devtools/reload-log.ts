import type { BatchResult, DockHistoryEntry } from '@hot-plugins/client/protocol'

/** How many batch outcomes the dev server keeps for the dock, the oldest dropped first. */
export const RELOAD_LOG_LIMIT = 200

export interface ReloadLog {
  add(result: BatchResult): DockHistoryEntry
  /** Newest first. */
  entries(): DockHistoryEntry[]
}

/** The outcomes of the batches the tabs reported, as the dock's history lists them. */
export function createReloadLog(now: () => number = Date.now, limit = RELOAD_LOG_LIMIT): ReloadLog {
  const kept: DockHistoryEntry[] = []
  return {
    add(result) {
      const entry = { ...result, at: now() }
      kept.unshift(entry)
      if (kept.length > limit) kept.length = limit
      return entry
    },
    entries: () => [...kept],
  }
}
