/** The part of a Vite module node that ownership needs. */
export interface ModuleNodeLike {
  file: string | null
  importers: Set<ModuleNodeLike>
  /** Whether the module accepts its own updates (undefined until Vite has analysed it). */
  isSelfAccepting?: boolean | undefined
  /** The imported modules whose updates this module accepts (`import.meta.hot.accept(dep, …)`). */
  acceptedHmrDeps: Set<ModuleNodeLike>
}

/**
 * Which plugins a change reaches: those whose entry Vite's HMR update will re-import through the
 * registry, so that the host swaps them. Walks importers up Vite's module graph the way Vite
 * propagates an update: a module that accepts its own updates (a component module under React
 * Fast Refresh, a Vue single-file component) handles the change itself, and so does an importer
 * that accepts the changed module as a dependency. The walk stops there: the plugins above are not
 * swapped, so they are not announced. Returns the ids of the owning plugins, sorted.
 */
export function findOwners(
  changed: Iterable<ModuleNodeLike>,
  idByEntryFile: ReadonlyMap<string, string>,
  importersOf: (node: ModuleNodeLike) => Iterable<ModuleNodeLike> = (node) => node.importers,
): string[] {
  const owners = new Set<string>()
  const seen = new Set<ModuleNodeLike>()
  const queue = [...changed]
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as ModuleNodeLike
    if (seen.has(node)) continue
    seen.add(node)
    if (node.isSelfAccepting) continue
    const id = node.file === null ? undefined : idByEntryFile.get(node.file)
    if (id !== undefined) owners.add(id)
    for (const importer of importersOf(node)) if (!importer.acceptedHmrDeps.has(node)) queue.push(importer)
  }
  return [...owners].sort()
}
