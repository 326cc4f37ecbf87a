/** The part of a Vite module node that ownership needs. */
export interface ModuleNodeLike {
  /** The resolved id (null for a node of a file only). */
  id?: string | null
  file: string | null
  importers: Set<ModuleNodeLike>
  /** Whether the module accepts its own updates (undefined until Vite has analysed it). */
  isSelfAccepting?: boolean | undefined
  /** The imported modules whose updates this module accepts (`import.meta.hot.accept(dep, …)`). */
  acceptedHmrDeps: Set<ModuleNodeLike>
  /** The exports whose updates this module accepts (`import.meta.hot.acceptExports(…)`), if any. */
  acceptedHmrExports?: Set<string> | null
  /** What this module imports of each module, by id (kept when Vite's partial accept is on). */
  importedBindings?: Map<string, Set<string>> | null
}

/**
 * Which plugins a change reaches: those whose entry Vite's HMR update will re-import through the
 * registry, so that the host swaps them. Walks importers up Vite's module graph the way Vite
 * propagates an update (`propagateUpdate`): a module that accepts its own updates (a component
 * module under React Fast Refresh, a Vue or Svelte component) handles the change itself, and so
 * does an importer that accepts the changed module as a dependency, or that imports only exports
 * the module accepts (Vite's partial accept, which vite-plugin-svelte turns on). The walk stops
 * there: the plugins above are not swapped, so they are not announced.
 *
 * A module Vite has not analysed yet (`isSelfAccepting` undefined) is walked through, where Vite
 * stops its update: the page never ran that version of it (a module is analysed before it is
 * served), so no hot context of it would take the update, and a plugin that failed to import it
 * (its first transform failed) would never hear of the fix. Returns the owning plugins' ids, sorted.
 */
export function findOwners(
  changed: Iterable<ModuleNodeLike>,
  idByEntryFile: Pick<ReadonlyMap<string, string>, 'get'>,
  importersOf: (node: ModuleNodeLike) => Iterable<ModuleNodeLike> = (node) => node.importers,
): string[] {
  return entriesReached(changed, idByEntryFile, (node) => !node.isSelfAccepting && [...importersOf(node)].filter((importer) => !acceptsUpdateOf(importer, node)))
}

/**
 * The plugins whose entries import the changed modules, directly or through others, whoever
 * accepts their updates on the way: for a change that no plugin is swapped for (a component a
 * framework's HMR refreshes in place), the plugins it is a file of. Sorted.
 */
export function pluginsAbove(changed: Iterable<ModuleNodeLike>, idByEntryFile: Pick<ReadonlyMap<string, string>, 'get'>): string[] {
  return entriesReached(changed, idByEntryFile, (node) => node.importers)
}

/**
 * The plugin ids of the entries reached from `changed` going up: `next` gives the importers the walk
 * goes on to from a module, or `false` where it stops before the module (which is then not reached).
 */
function entriesReached(
  changed: Iterable<ModuleNodeLike>,
  idByEntryFile: Pick<ReadonlyMap<string, string>, 'get'>,
  next: (node: ModuleNodeLike) => Iterable<ModuleNodeLike> | false,
): string[] {
  const plugins = new Set<string>()
  const seen = new Set<ModuleNodeLike>()
  const queue = [...changed]
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as ModuleNodeLike
    if (seen.has(node)) continue
    seen.add(node)
    const importers = next(node)
    if (importers === false) continue
    const id = node.file === null ? undefined : idByEntryFile.get(node.file)
    if (id !== undefined) plugins.add(id)
    queue.push(...importers)
  }
  return [...plugins].sort()
}

/** Whether an update of `node` stops at `importer`: it accepts the module, or imports only exports the module accepts. */
function acceptsUpdateOf(importer: ModuleNodeLike, node: ModuleNodeLike): boolean {
  if (importer.acceptedHmrDeps.has(node)) return true
  const accepted = node.acceptedHmrExports
  const imported = node.id ? importer.importedBindings?.get(node.id) : undefined
  return accepted != null && imported !== undefined && [...imported].every((binding) => accepted.has(binding))
}
