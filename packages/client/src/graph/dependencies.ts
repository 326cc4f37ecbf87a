import { isRunning, type PluginRecord } from '../host/records.js'
import type { DependencyNode } from './order.js'
import type { PluginModule } from '../host/types.js'

/** The ids in a module's `meta.dependsOn` (anything that is not a list of strings counts as none). */
export function dependsOnOf(module: PluginModule | undefined): string[] {
  const deps = module?.meta?.dependsOn
  return Array.isArray(deps) ? deps.filter((dep): dep is string => typeof dep === 'string') : []
}

/**
 * The running plugins as the dependency order sees them. `next`: new versions about to replace
 * some of them, whose `dependsOn` counts instead.
 */
export function runningDependencyNodes(
  records: Iterable<PluginRecord>,
  next: ReadonlyMap<string, PluginModule> = new Map(),
): DependencyNode[] {
  return [...records]
    .filter(isRunning)
    .map((record) => ({ id: record.id, dependsOn: dependsOnOf(next.get(record.id) ?? record.module) }))
}
