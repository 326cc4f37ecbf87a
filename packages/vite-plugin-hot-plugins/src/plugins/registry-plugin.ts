import { PLUGIN_NAME, RESOLVED_VIRTUAL_REGISTRY_ID, VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import { createHash } from 'node:crypto'
import type { Plugin } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { generateBuildRegistry, generateDevRegistry } from '../codegen/registry-module.js'

/** Serves `virtual:hot-plugins`, in dev and in builds. */
export function registryPlugin(context: HotPluginsContext): Plugin {
  let isDevServer = false
  let base = '/'
  return {
    name: PLUGIN_NAME,
    configResolved(config) {
      context.root = config.root
      context.logger = config.logger
      isDevServer = config.command === 'serve'
      base = config.base
    },
    async buildStart() {
      // Fails the server start or the build at once on a configuration error (duplicate ids).
      await context.plugins()
    },
    resolveId(id) {
      return id === VIRTUAL_REGISTRY_ID ? RESOLVED_VIRTUAL_REGISTRY_ID : undefined
    },
    async load(id) {
      if (id !== RESOLVED_VIRTUAL_REGISTRY_ID) return undefined
      const plugins = await context.plugins()
      const hot = isDevServer && this.environment.config.consumer === 'client'
      if (!hot) return generateBuildRegistry(plugins)
      const { state, retry, fallback, failuresBeforeFallback, enabled, overlay, reloadDependents } = context.options
      return generateDevRegistry(plugins, {
        project: projectKey(context.root),
        base,
        retry,
        fallback,
        failuresBeforeFallback,
        enabled,
        state,
        overlay,
        reloadDependents,
      })
    },
  }
}

/** A short, stable name for the project: state of two projects on one origin never mixes. */
export function projectKey(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 16)
}
