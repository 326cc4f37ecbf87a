import { existsSync } from 'node:fs'
import { findOwners, type ModuleNodeLike } from './ownership.js'

/** A module node with the modules it imports (Vite's module graph keeps them for a deleted module too). */
export interface GraphNodeLike extends ModuleNodeLike {
  importedModules: Set<GraphNodeLike>
}

/** What a deleted file that is not a plugin entry means for the plugins. */
export interface DeletedFile {
  /** Every plugin that imported the file, through any chain of modules, deleted ones included. */
  owners: string[]
  /** The owners whose entry is still there: they run and still import it. */
  running: string[]
}

/** Quiet time before a plugin file's deletion is taken as one its entry survives (`rm -rf` removes a folder's files one by one). */
export const REMOVAL_SETTLE_MS = 50

/**
 * Which plugins a deleted file belonged to. A deleted file cannot be read or compiled any more: when
 * its plugin's entry is gone too (a folder deleted or renamed), that is the plugin's removal, which
 * the entry's own event handles, not an error. Only a plugin whose entry survives is affected.
 *
 * Vite unlinks a deleted module from the modules it imported, so once an entry is deleted its
 * helpers no longer list it as an importer (the file events of a folder come in any order, and
 * late); and once the registry has the new set of plugins, the deleted entry is no plugin of it any
 * more. So the walk also follows the links the deleted modules still hold, and `idByEntryFile` must
 * name the entries deleted earlier as well as the current ones.
 */
export function findDeletedFileOwners(
  deleted: readonly GraphNodeLike[],
  graph: Iterable<GraphNodeLike>,
  idByEntryFile: ReadonlyMap<string, string>,
  currentEntryFile: (id: string) => string | undefined,
): DeletedFile {
  const formerImporters = new Map<ModuleNodeLike, Set<ModuleNodeLike>>()
  for (const module of graph) {
    for (const imported of module.importedModules) {
      let importers = formerImporters.get(imported)
      if (!importers) formerImporters.set(imported, (importers = new Set()))
      importers.add(module)
    }
  }
  const owners = findOwners(deleted, idByEntryFile, (node) => new Set([...node.importers, ...(formerImporters.get(node) ?? [])]))
  return { owners, running: runningOwners(owners, currentEntryFile) }
}

/** The plugins among `owners` whose entry is a current plugin and still on disk. */
export function runningOwners(owners: readonly string[], currentEntryFile: (id: string) => string | undefined): string[] {
  return owners.filter((id) => {
    const file = currentEntryFile(id)
    return file !== undefined && existsSync(file)
  })
}
