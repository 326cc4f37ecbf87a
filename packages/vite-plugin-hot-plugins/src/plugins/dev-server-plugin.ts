import {
  CLIENT_PACKAGE,
  HotEvents,
  LOG_PREFIX,
  PLUGIN_NAME,
  type ReloadResult,
  type UpdateAnnouncement,
} from '@hot-plugins/client/protocol'
import path from 'node:path'
import { normalizePath, type Plugin } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { findOwners } from '../ownership.js'

/**
 * Dev server wiring: tells the browser which plugins a change belongs to before Vite sends the new
 * modules, and logs the outcome each tab reports. It never changes Vite's own update: files that
 * belong to no plugin behave exactly as without this plugin.
 */
export function devServerPlugin(context: HotPluginsContext): Plugin {
  return {
    name: `${PLUGIN_NAME}:serve`,
    apply: 'serve',
    config() {
      // The client is plain ESM; serving it unbundled keeps one instance of it for the app and the
      // registry, and avoids a re-optimisation (and page reload) when the registry is first loaded.
      return { optimizeDeps: { exclude: [CLIENT_PACKAGE] } }
    },
    configureServer(server) {
      server.environments.client.hot.on(HotEvents.result, (result: ReloadResult) => {
        const logger = server.config.logger
        if (result.outcome === 'swapped') {
          const state = result.stateKept ? ', state kept' : ''
          logger.info(`${LOG_PREFIX} reloaded ${result.id} in ${Math.round(result.durationMs)} ms${state}`, { timestamp: true })
        } else {
          logger.warn(`${LOG_PREFIX} ${result.error ?? `plugin "${result.id}" failed to reload`} (${result.outcome})`, {
            timestamp: true,
          })
        }
      })
    },
    async hotUpdate({ file, modules, timestamp }) {
      if (this.environment.config.consumer !== 'client' || modules.length === 0) return
      const plugins = await context.plugins()
      const idByEntryFile = new Map(plugins.map((p) => [p.absFile, p.id]))
      const owners = findOwners(modules, idByEntryFile)
      if (owners.length === 0) return
      const announcement: UpdateAnnouncement = {
        file: normalizePath(path.relative(context.root, file)),
        plugins: owners,
        timestamp,
      }
      this.environment.hot.send(HotEvents.update, announcement)
    },
  }
}
