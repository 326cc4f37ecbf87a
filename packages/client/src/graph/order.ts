/** A plugin as the dependency order sees it. */
export interface DependencyNode {
  id: string
  dependsOn: readonly string[]
}

export interface DependencyOrder {
  /** Ids that can run, dependencies first; ties keep the input order. */
  order: string[]
  /** Ids that cannot run, each with why (a missing dependency, a cycle, a dependency that cannot run). */
  blocked: Map<string, string>
}

/**
 * Orders plugins so each comes after what it depends on (Kahn's algorithm, stable). A plugin
 * depending on an id that is not there, or caught in a cycle, or depending on such a plugin, is
 * blocked with a reason naming the missing id or the cycle. Never loops.
 */
export function orderByDependencies(nodes: readonly DependencyNode[]): DependencyOrder {
  const byId = new Map(nodes.map((node) => [node.id, node]))
  const blocked = new Map<string, string>()
  for (const node of nodes) {
    const missing = node.dependsOn.filter((dep) => !byId.has(dep))
    if (missing.length > 0) {
      blocked.set(node.id, `it depends on ${missing.map((m) => `"${m}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not a plugin here`)
    }
  }

  const remaining = new Map(nodes.filter((n) => !blocked.has(n.id)).map((n) => [n.id, new Set(n.dependsOn)]))
  const order: string[] = []
  for (let progressed = true; progressed; ) {
    progressed = false
    for (const node of nodes) {
      const deps = remaining.get(node.id)
      if (!deps || [...deps].some((dep) => remaining.has(dep) || blocked.has(dep))) continue
      remaining.delete(node.id)
      order.push(node.id)
      progressed = true
    }
    // Whatever depends on a blocked plugin is blocked too.
    for (const [id, deps] of remaining) {
      const bad = [...deps].find((dep) => blocked.has(dep))
      if (bad !== undefined) {
        remaining.delete(id)
        blocked.set(id, `it depends on "${bad}", which cannot run`)
        progressed = true
      }
    }
  }
  // What is left waits on itself: report each cycle once, in dependency order.
  for (const id of remaining.keys()) {
    if (blocked.has(id)) continue
    const cycle = findCycle(id, (x) => [...(remaining.get(x) ?? [])].filter((dep) => remaining.has(dep)))
    const text = cycle ? `${[...cycle, cycle[0]].map((c) => `"${c}"`).join(' → ')}` : undefined
    for (const member of cycle ?? [id]) {
      if (!blocked.has(member)) blocked.set(member, text ? `its dependencies form a cycle: ${text}` : 'it waits on a dependency cycle')
    }
  }
  for (const id of remaining.keys()) if (!blocked.has(id)) blocked.set(id, 'it depends on a plugin caught in a dependency cycle')
  return { order, blocked }
}

function findCycle(start: string, next: (id: string) => string[]): string[] | undefined {
  const path: string[] = []
  const onPath = new Set<string>()
  const seen = new Set<string>()
  const visit = (id: string): string[] | undefined => {
    if (onPath.has(id)) return path.slice(path.indexOf(id))
    if (seen.has(id)) return undefined
    seen.add(id)
    onPath.add(id)
    path.push(id)
    for (const dep of next(id)) {
      const found = visit(dep)
      if (found) return found
    }
    path.pop()
    onPath.delete(id)
    return undefined
  }
  return visit(start)
}

/** Every plugin that depends on `id`, directly or through others, dependencies first. */
export function dependentsOf(id: string, nodes: readonly DependencyNode[]): string[] {
  const found = new Set(firstDependedOn([id], nodes).keys())
  const { order } = orderByDependencies(nodes.filter((n) => found.has(n.id)).map((n) => ({ ...n, dependsOn: n.dependsOn.filter((d) => found.has(d)) })))
  return order
}

/**
 * For every plugin that depends on one of `ids` (directly or through others) and is not one of
 * them: the first of `ids` it depends on. Each plugin is visited once over all of `ids` (what the
 * walk of an earlier id reached, it reached with everything that depends on it), so a batch of
 * many plugins is planned in one pass over the dependency graph.
 */
export function firstDependedOn(ids: readonly string[], nodes: readonly DependencyNode[]): Map<string, string> {
  const dependents = new Map<string, string[]>()
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      const list = dependents.get(dep)
      if (list) list.push(node.id)
      else dependents.set(dep, [node.id])
    }
  }
  const members = new Set(ids)
  const seen = new Set<string>()
  const first = new Map<string, string>()
  for (const id of ids) {
    const queue = [...(dependents.get(id) ?? [])]
    for (let i = 0; i < queue.length; i++) {
      const next = queue[i]!
      if (seen.has(next)) continue
      seen.add(next)
      if (!members.has(next)) first.set(next, id)
      queue.push(...(dependents.get(next) ?? []))
    }
  }
  return first
}
