import { existsSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import type { DiscoveredPlugin } from '../discovery/discover-plugins.js'
import { invalidateForNextImport, type Change, type PipelineParts, type Verdict } from './change.js'
import { findCompileFailure, refuseChange } from './compile-check.js'
import { findFormerOwners, REMOVAL_QUIET_MS, runningOwners } from './former-owners.js'
import { joinBatch } from './join-batch.js'

/**
 * A deleted file a plugin imported. Deleted with its plugin (a folder deleted or renamed): a
 * removal, which the entry's own event makes; nothing else is sent. Deleted from under a plugin
 * that runs on: its entry is checked again, and either compiles without it or is refused.
 */
export async function handleDeletedFile(parts: PipelineParts, change: Change, plugins: readonly DiscoveredPlugin[]): Promise<Verdict> {
  const { context, departed, validated } = parts
  const { environment, relative, modules, timestamp } = change
  const former = findFormerOwners(modules, environment.moduleGraph.idToModuleMap.values(), departed.idByEntryFile(plugins))
  if (former.owners.length === 0) return undefined
  if (!context.mayReload(relative)) return []
  // Should it come back, its next import reads it again (the browser keeps every version it loaded).
  invalidateForNextImport(environment, modules, timestamp)
  // Created again meanwhile: its create event is the change.
  if (modules.some((module) => module.file !== null && existsSync(module.file))) return []
  let running = runningOwners(former.entries, plugins)
  // A folder being deleted loses its files one by one: its entry may still be there for a moment.
  if (running.length > 0) {
    await sleep(REMOVAL_QUIET_MS)
    running = runningOwners(former.entries, plugins)
  }
  if (running.length === 0) return []
  const ids = running.map((p) => p.id)
  const entries = running.flatMap((p) => [...(environment.moduleGraph.getModulesByFile(p.absFile) ?? [])])
  for (const entry of entries) environment.moduleGraph.invalidateModule(entry)
  const failure = await findCompileFailure(environment, entries, (module) => validated.transform(environment, module, timestamp))
  if (failure) {
    refuseChange(environment, context, { file: relative, plugins: ids, cause: `${relative} was deleted` }, failure)
    return []
  }
  return joinBatch(parts, change, ids, entries)
}

/**
 * A file no module imports any more, of a plugin that was deleted (its folder restored, or a
 * change the watcher reported in place of a delete and a create): nothing in the page runs it, and
 * Vite would take it for a dead end and reload the page. Its plugin's entry, when added again,
 * imports it afresh.
 */
export function isFileOfDeletedPlugin(
  { departed }: Pick<PipelineParts, 'departed'>,
  { environment, modules, timestamp }: Pick<Change, 'environment' | 'modules' | 'timestamp'>,
  plugins: readonly DiscoveredPlugin[],
): boolean {
  if (modules.some((module) => module.importers.size > 0 || plugins.some((p) => p.absFile === module.file))) return false
  if (findFormerOwners(modules, environment.moduleGraph.idToModuleMap.values(), departed.idByEntryFile(plugins)).owners.length === 0) return false
  invalidateForNextImport(environment, modules, timestamp)
  return true
}

/**
 * A stylesheet or helper only removed plugins used, deleted or written: nothing in the page uses
 * it (an update would fail, reload the page, or put a removed stylesheet back). Should its plugin
 * come back, it imports the file as it is then.
 */
export function isLeftOfDeparted(
  { departed }: Pick<PipelineParts, 'departed'>,
  { environment, modules, timestamp }: Pick<Change, 'environment' | 'modules' | 'timestamp'>,
): boolean {
  if (!departed.usedOnlyByDeparted(modules)) return false
  invalidateForNextImport(environment, modules, timestamp)
  return true
}
