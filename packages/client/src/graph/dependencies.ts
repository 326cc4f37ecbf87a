import type { PluginModule } from '../host/types.js'

/** The ids in a module's `meta.dependsOn` (anything that is not a list of strings counts as none). */
export function dependsOnOf(module: PluginModule | undefined): string[] {
  const deps = module?.meta?.dependsOn
  return Array.isArray(deps) ? deps.filter((dep): dep is string => typeof dep === 'string') : []
}
