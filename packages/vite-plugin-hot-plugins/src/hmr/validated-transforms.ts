import type { DevEnvironment, EnvironmentModuleNode, TransformResult } from 'vite'
import { fileStamp } from './file-content.js'

/**
 * Serves the browser's request for a changed module from the transform that validated it.
 *
 * The dev server transforms a changed plugin file before anything is sent (validation). Right
 * after the hotUpdate hooks, Vite drops every cached transform of the changed module, so without
 * this the browser's request transforms the same file a second time: one more transform on the
 * critical path of every swap (about 4 ms of a 20 ms swap on two cores).
 *
 * A kept result is put back only while it is exactly what a new transform would give:
 * - the request is the one for this update (its `?t=` is the update's timestamp, which Vite also
 *   wrote on the module when it invalidated it) and nothing has transformed or invalidated the
 *   module since;
 * - the file on disk is the one the validation read (same modification time, size and inode
 *   before and after the transform, and at the request): a later save that the watcher dropped in
 *   a burst is read from disk again, as without this;
 * - no module it imports got new code in the same update (a cycle): its import URLs would change.
 */
export interface ValidatedTransforms {
  /** Transforms `module` (validation) and keeps the result for the update stamped `timestamp`. */
  transform(environment: DevEnvironment, module: EnvironmentModuleNode, timestamp: number): Promise<TransformResult | null>
  /** Called for every request before Vite's transform middleware. */
  restore(environment: DevEnvironment, requestUrl: string): void
  /** These modules go to the browser in the update stamped `timestamp` (a batch is one update). */
  restamp(modules: readonly EnvironmentModuleNode[], timestamp: number): void
}

interface Kept {
  module: EnvironmentModuleNode
  result: TransformResult
  timestamp: number
  invalidatedAt: number
  stamp: string
}

/** Vite's `?t=` query: the timestamp of an HMR update. */
const TIMESTAMP_QUERY = /([?&])t=(\d+)(?:&|$)/

export function createValidatedTransforms(): ValidatedTransforms {
  const kept = new Map<string, Kept>()
  return {
    async transform(environment, module, timestamp) {
      kept.delete(module.url)
      const before = module.file ? fileStamp(module.file) : undefined
      const result = await environment.transformRequest(module.url)
      if (result && before !== undefined && fileStamp(module.file!) === before) {
        kept.set(module.url, { module, result, timestamp, invalidatedAt: module.lastInvalidationTimestamp, stamp: before })
      }
      return result
    },
    restore(environment, requestUrl) {
      if (kept.size === 0) return
      const query = TIMESTAMP_QUERY.exec(requestUrl)
      if (!query) return
      const url = requestUrl.replace(TIMESTAMP_QUERY, '$1').replace(/[?&]$/, '')
      const entry = kept.get(url)
      if (!entry) return
      kept.delete(url)
      const { module, result, timestamp } = entry
      const current =
        Number(query[2]) === timestamp &&
        module.lastHMRTimestamp === timestamp &&
        module.lastInvalidationTimestamp === entry.invalidatedAt &&
        module.transformResult === null &&
        [...module.importedModules].every((imported) => imported.lastHMRTimestamp !== timestamp) &&
        fileStamp(module.file!) === entry.stamp
      if (current) environment.moduleGraph.updateModuleTransformResult(module, result)
    },
    restamp(modules, timestamp) {
      for (const module of modules) {
        const entry = kept.get(module.url)
        if (entry) entry.timestamp = timestamp
      }
    },
  }
}
