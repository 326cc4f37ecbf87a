import { LOG_PREFIX, PLUGIN_NAME, RESOLVED_VIRTUAL_REGISTRY_ID, VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import { createHash } from 'node:crypto'
import { normalizePath, type Plugin, type Rollup } from 'vite'
import type { DiscoveredPlugin } from '../discovery/discover-plugins.js'
import { describeUnresolvedPackage, importConditions } from '../discovery/package-build-entry.js'
import { generateBuildRegistry, generateDevRegistry } from '../codegen/registry-module.js'
import type { HotPluginsContext } from '../context.js'
import { exactRegex } from './filters.js'

/** Serves `virtual:hot-plugins`, in dev and in builds; fills in the shared context once Vite's config is resolved. */
export function registryPlugin(context: HotPluginsContext): Plugin {
  return {
    name: PLUGIN_NAME,
    configResolved(config) {
      context.configure(config)
    },
    async buildStart() {
      // A build fails at once on a configuration error (duplicate ids). The dev server discovers
      // once it listens (see dev-server-plugin.ts): its start does no work per entry.
      if (!context.isDevServer) await context.plugins()
    },
    resolveId: {
      filter: { id: exactRegex(VIRTUAL_REGISTRY_ID) },
      handler: () => RESOLVED_VIRTUAL_REGISTRY_ID,
    },
    load: {
      filter: { id: exactRegex(RESOLVED_VIRTUAL_REGISTRY_ID) },
      async handler() {
        const plugins = await context.plugins()
        // The hot registry is the browser's in the dev server; SSR and builds get the plain list.
        const hot = context.isDevServer && this.environment.config.consumer === 'client'
        const { state, retry, fallback, failuresBeforeFallback, enabled, overlay, reloadDependents, leaks, remotes } = context.options
        if (!hot) {
          if (remotes.length > 0 && !context.isDevServer) {
            context.warnOnce('remotes in build', `${LOG_PREFIX} "remotes" is for the dev server: the build holds this app's own plugins only (${remotes.join(', ')} left out)`)
          }
          // The build imports a package by name: one error naming it, before the bundler's own.
          if (!context.isDevServer) await resolvePackages(this, context, plugins)
          return generateBuildRegistry(plugins)
        }
        const remotePlugins = await context.remotePlugins()
        const remoteProblems = context.remoteProblems()
        return generateDevRegistry(plugins, {
          project: projectKey(context.root),
          base: context.base,
          retry,
          fallback,
          failuresBeforeFallback,
          enabled,
          state,
          overlay: overlay && { ...overlay, badge: overlay.badge === 'auto' ? !context.viteDevtools : overlay.badge !== false },
          reloadDependents,
          leaks,
          ...(remoteProblems.length > 0 ? { remoteProblems } : {}),
        }, remotePlugins)
      },
    },
  }
}

/**
 * A build imports plugin packages by name, with the build's conditions: without a built file
 * (or a condition the build uses that names the source) the bundler would say only that it
 * failed to resolve the import from the registry. The files they resolve to are the feed's.
 */
async function resolvePackages(plugin: PluginContextLike, context: HotPluginsContext, plugins: readonly DiscoveredPlugin[]): Promise<void> {
  const { resolve } = plugin.environment.config
  const conditions = importConditions(resolve.conditions, plugin.environment.config.isProduction)
  const problems: string[] = []
  for (const p of plugins) {
    if (p.package === undefined) continue
    let cause: string | undefined
    const resolved = await plugin.resolve(p.package, RESOLVED_VIRTUAL_REGISTRY_ID).catch((error: unknown) => {
      cause = error instanceof Error ? error.message : String(error)
      return null
    })
    if (!resolved) problems.push(describeUnresolvedPackage(context.root, p, conditions, cause))
    // What the build imports may be the package's built file, not the source the dev server loads.
    else context.builtEntries.set(p.id, normalizePath(resolved.id))
  }
  if (problems.length > 0) plugin.error(`${LOG_PREFIX} ${problems.join(`\n${LOG_PREFIX} `)}`)
}

type PluginContextLike = Pick<Rollup.PluginContext, 'resolve' | 'error'> & { environment: { config: { isProduction: boolean; resolve: { conditions: string[] } } } }

/** A short, stable name for the project: state of two projects on one origin never mixes. */
function projectKey(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 16)
}
