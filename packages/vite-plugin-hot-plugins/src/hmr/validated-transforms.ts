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
  /**
   * Transforms `module` (validation) and keeps the result for the update stamped `timestamp`.
   * `content`: the changed file as the pipeline read it, which the transform's load then takes
   * (see `load`) instead of reading the file a second time, when `module` is that file. A change
   * also carries modules of other files (a created file's update carries the modules whose import
   * of it failed): those are read from disk.
   */
  transform(environment: DevEnvironment, module: EnvironmentModuleNode, timestamp: number, content?: ChangedContent): Promise<TransformResult | null>
  /**
   * The load of `id` by a validation's transform, when no other plugin loaded it: the content the
   * pipeline read. Null (Vite reads the file) for any other load, and for a file with an inline
   * source map, which Vite's own read extracts.
   */
  load(id: string): Promise<string | null> | null
  /** Called for every request before Vite's transform middleware. */
  restore(environment: DevEnvironment, requestUrl: string): void
  /** These modules go to the browser in the update stamped `timestamp` (a batch is one update). */
  restamp(modules: readonly EnvironmentModuleNode[], timestamp: number): void
}

/** A changed file's content as the pipeline read it: `read` is the content of `file`, and of no other. */
export interface ChangedContent {
  file: string
  read(): string | Promise<string>
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

/** A source map comment: a file that has one is read by Vite, which extracts it. */
const SOURCE_MAP_COMMENT = /[#@]\s*sourceMappingURL=/

export function createValidatedTransforms(): ValidatedTransforms {
  const kept = new Map<string, Kept>()
  const reading = new Map<string, () => string | Promise<string>>()
  return {
    async transform(environment, module, timestamp, content) {
      kept.delete(module.url)
      const before = module.file ? fileStamp(module.file) : undefined
      // Only the module that is the changed file itself (no query) is loaded from its content.
      const read = content && isModuleOfFile(module, content.file) ? content.read : undefined
      if (read) reading.set(module.file!, read)
      let result: TransformResult | null
      try {
        result = await environment.transformRequest(module.url)
      } finally {
        if (read && reading.get(module.file!) === read) reading.delete(module.file!)
      }
      if (result && before !== undefined && fileStamp(module.file!) === before) {
        kept.set(module.url, { module, result, timestamp, invalidatedAt: module.lastInvalidationTimestamp, stamp: before })
      }
      return result
    },
    load(id) {
      const content = reading.get(id)
      if (!content) return null
      reading.delete(id)
      return Promise.resolve(content()).then((code) => (SOURCE_MAP_COMMENT.test(code) ? null : code))
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

/** `module` is `file` itself, loaded with no query. */
function isModuleOfFile(module: EnvironmentModuleNode, file: string): boolean {
  return module.file !== null && module.file === file && module.id === file
}
