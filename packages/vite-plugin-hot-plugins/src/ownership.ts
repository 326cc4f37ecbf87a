/** The part of a Vite module node that ownership needs. */
export interface ModuleNodeLike {
  file: string | null
  importers: Set<ModuleNodeLike>
}

/**
 * Which plugins own the changed modules: a plugin owns a module when its entry is that module or
 * imports it, directly or through other modules. Walks importers up Vite's module graph.
 * Returns the ids of the owning plugins, sorted.
 */
export function findOwners(changed: Iterable<ModuleNodeLike>, idByEntryFile: ReadonlyMap<string, string>): string[] {
  const owners = new Set<string>()
  const seen = new Set<ModuleNodeLike>()
  const queue = [...changed]
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as ModuleNodeLike
    if (seen.has(node)) continue
    seen.add(node)
    const id = node.file === null ? undefined : idByEntryFile.get(node.file)
    if (id !== undefined) owners.add(id)
    queue.push(...node.importers)
  }
  return [...owners].sort()
}
