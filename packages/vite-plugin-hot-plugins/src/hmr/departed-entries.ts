import { existsSync } from 'node:fs'
import type { EnvironmentModuleNode } from 'vite'

/** The part of a Vite module node the departed entries need. */
export interface GraphNode<Node> {
  url: string
  importers: Set<Node>
  importedModules: Set<Node>
  lastHMRTimestamp: number
}

/** An entry of a discovery, as the departed entries record it. */
export interface EntryRecord {
  id: string
  absFile: string
}

/**
 * The one record of plugin entries that left (deleted, or moved away): which plugin each entry
 * file was, and what only departed entries imported.
 *
 * Which plugin: Vite unlinks a deleted entry from its helpers, and the registry's new set no longer
 * names it, yet its helpers' delete events may come after that; they are still that plugin's files
 * (see `findFormerOwners`), so the file keeps its id here for the life of the server.
 *
 * What only they imported: Vite prunes a module when its importer stops importing it, one level
 * deep: when the registry drops an entry, nothing the entry imported is pruned, so a removed
 * plugin's stylesheets would stay in the page. The page says when it has applied the new set of
 * plugins; then the modules only departed entries imported are pruned (Vite's client removes their
 * styles and runs their prune handlers).
 */
export function createDepartedEntries<Node extends GraphNode<Node>>(modulesOf: (file: string) => Iterable<Node> | undefined) {
  const departed = new Map<string, Set<Node>>()
  const formerIds = new Map<string, string>()
  const depart = (file: string): void => {
    const nodes = new Set(modulesOf(file) ?? [])
    if (nodes.size > 0) departed.set(file, nodes)
  }
  const roots = (): Set<Node> => new Set([...departed.values()].flatMap((nodes) => [...nodes]))
  return {
    /** The entry file was deleted (its module nodes are kept, with what they imported). */
    depart,
    /**
     * An entry was transformed: it is (back) in use, and what it imports is its own again. Not
     * before: an entry created again (a folder moved back) imports its old modules only once it is
     * transformed; until then they have no importer, and Vite would reload the page for a change
     * of one of them.
     */
    transformed(file: string): void {
      departed.delete(file)
    },
    /** The set of entries changed: those no longer in it departed, and their files keep their plugin's id. */
    sync(before: readonly EntryRecord[], after: readonly EntryRecord[]): void {
      const now = new Set(after.map((p) => p.absFile))
      for (const { id, absFile } of before) {
        if (now.has(absFile)) continue
        formerIds.set(absFile, id)
        depart(absFile)
      }
    },
    /** Every entry file that was a plugin's, departed ones included, to its plugin id (`current` wins). */
    idByEntryFile(current: readonly EntryRecord[]): Map<string, string> {
      return new Map([...formerIds, ...current.map((p) => [p.absFile, p.id] as const)])
    },
    /**
     * A file was deleted: the entries above it whose file is gone from disk departed too (a folder
     * deleted at once reports its files in any order, the entry's maybe last).
     */
    noteDeleted(modules: readonly Node[], isEntry: (node: Node) => string | undefined): void {
      for (const node of above(modules)) {
        const file = isEntry(node)
        if (file !== undefined && !departed.has(file) && !existsSync(file)) depart(file)
      }
    },
    /**
     * Whether every module of a changed file is used only by departed plugins: nothing in the page
     * uses it, so there is nothing to update (Vite's update of such a file would reload the page
     * when it has no importer left, or put a removed stylesheet back).
     */
    usedOnlyByDeparted(modules: readonly Node[]): boolean {
      if (modules.length === 0 || departed.size === 0) return false
      const from = roots()
      const only = onlyImportedBy(from)
      return modules.every((m) => from.has(m) || only.has(m))
    },
    /**
     * The modules only departed entries import (the entries themselves excepted: the registry
     * no longer imports them, so Vite prunes them itself), marked as updated now, so that a plugin
     * that imports one of them later gets a fresh copy (and its styles) rather than the browser's
     * cached module.
     */
    prune(now: number): Node[] {
      const pruned = [...onlyImportedBy(roots())]
      for (const node of pruned) node.lastHMRTimestamp = now
      return pruned
    },
  }
}

export type DepartedEntries = ReturnType<typeof createDepartedEntries<EnvironmentModuleNode>>

/** The modules that import these, directly or through others, and these. */
function above<Node extends GraphNode<Node>>(modules: readonly Node[]): Set<Node> {
  const seen = new Set(modules)
  for (const node of seen) for (const importer of node.importers) seen.add(importer)
  return seen
}

/**
 * The modules below `roots` (what they import, transitively) that nothing else imports: a module
 * imported from outside (the host, a running plugin) is still in use, and so is all it imports.
 */
export function onlyImportedBy<Node extends GraphNode<Node>>(roots: ReadonlySet<Node>): Set<Node> {
  const below = new Set<Node>()
  const queue = [...roots]
  for (let i = 0; i < queue.length; i++) {
    for (const dep of queue[i]!.importedModules) {
      if (below.has(dep) || roots.has(dep)) continue
      below.add(dep)
      queue.push(dep)
    }
  }
  const inUse = [...below].filter((node) => [...node.importers].some((importer) => !below.has(importer) && !roots.has(importer)))
  for (let i = 0; i < inUse.length; i++) {
    const node = inUse[i]!
    if (!below.delete(node)) continue
    for (const dep of node.importedModules) if (below.has(dep)) inUse.push(dep)
  }
  return below
}
