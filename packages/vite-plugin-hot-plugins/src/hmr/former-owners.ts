import { existsSync } from 'node:fs'
import { findOwners, type ModuleNodeLike } from './owners.js'

/** A module node with the modules it imports (Vite's module graph keeps them for a deleted module too). */
export interface GraphNodeLike extends ModuleNodeLike {
  importedModules: Set<GraphNodeLike>
}

/** The plugins a file of the module graph belonged to, deleted ones included. */
export interface FormerOwners {
  /** Every plugin whose entry imported the file, through any chain of modules, deleted ones included. */
  owners: string[]
  /** Those plugins' entry files (absolute), deleted ones included. */
  entries: string[]
}

/** Quiet time before a plugin file's deletion is taken as one its entry survives (`rm -rf` removes a folder's files one by one). */
export const REMOVAL_QUIET_MS = 50

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
export function findFormerOwners(
  modules: readonly GraphNodeLike[],
  graph: Iterable<GraphNodeLike>,
  idByEntryFile: ReadonlyMap<string, string>,
): FormerOwners {
  const formerImporters = new Map<ModuleNodeLike, Set<ModuleNodeLike>>()
  for (const module of graph) {
    for (const imported of module.importedModules) {
      let importers = formerImporters.get(imported)
      if (!importers) formerImporters.set(imported, (importers = new Set()))
      importers.add(module)
    }
  }
  const entryByFile = new Map([...idByEntryFile.keys()].map((file) => [file, file]))
  const entries = findOwners(modules, entryByFile, (node) => new Set([...node.importers, ...(formerImporters.get(node) ?? [])]))
  return { owners: [...new Set(entries.map((file) => idByEntryFile.get(file)!))].sort(), entries }
}

/** The plugins among `plugins` whose entry is one of `entries` and still on disk: they run on without the deleted file. */
export function runningOwners<P extends { absFile: string }>(entries: readonly string[], plugins: readonly P[]): P[] {
  return plugins.filter((p) => entries.includes(p.absFile) && existsSync(p.absFile))
}
