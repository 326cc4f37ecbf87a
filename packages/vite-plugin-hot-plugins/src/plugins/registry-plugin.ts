import { LOG_PREFIX, PLUGIN_NAME, RESOLVED_VIRTUAL_REGISTRY_ID, VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import { createHash } from 'node:crypto'
import type { Plugin } from 'vite'
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

/** A short, stable name for the project: state of two projects on one origin never mixes. */
function projectKey(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 16)
}
