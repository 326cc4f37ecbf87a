import {
  CLIENT_PACKAGE,
  HotEvents,
  LOG_PREFIX,
  PLUGIN_NAME,
  RESOLVED_VIRTUAL_REGISTRY_ID,
  type CompileErrorAnnouncement,
  type ReloadResult,
  type UpdateAnnouncement,
} from '@hot-plugins/client/protocol'
import { init } from 'es-module-lexer'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { normalizePath, type DevEnvironment, type Plugin } from 'vite'
import { addListShortcut } from '../cli-shortcut.js'
import { trackConnectedTabs } from '../connected-tabs.js'
import { createControlApi } from '../control-api.js'
import { buildStatus } from '../control-status.js'
import type { HotPluginsContext } from '../context.js'
import { findOwners } from '../ownership.js'
import { defaultPluginId, readStaticMetaId } from '../plugin-ids.js'
import { formatPluginListing } from '../plugin-listing.js'
import { optimizeDepsEntries } from '../scan-entries.js'
import { createSettleCheck } from '../settle.js'
import { createValidatedTransforms } from '../validated-transforms.js'
import { findCompileFailure } from '../validation.js'

/**
 * Dev server wiring: tells the browser which plugins a change belongs to before Vite sends the new
 * modules, and logs the outcome each tab reports. It never changes Vite's own update: files that
 * belong to no plugin behave exactly as without this plugin.
 */
export function devServerPlugin(context: HotPluginsContext): Plugin {
  let settle: ReturnType<typeof createSettleCheck> | undefined
  const validated = createValidatedTransforms()
  return {
    name: `${PLUGIN_NAME}:serve`,
    apply: 'serve',
    config(config) {
      return {
        optimizeDeps: {
          // The client is plain ESM; serving it unbundled keeps one instance of it for the app and
          // the registry, and avoids a re-optimisation (and page reload) when the registry is first loaded.
          exclude: [CLIENT_PACKAGE],
          // The dependency scanner does not enter virtual:hot-plugins: point it at the entries.
          entries: optimizeDepsEntries(config, context.options.plugins),
        },
      }
    },
    configureServer(server) {
      // A lost event at the end of a burst is replayed as the change it was.
      settle = createSettleCheck((file) => server.watcher.emit('change', file))
      server.httpServer?.once('close', () => settle?.dispose())
      // The control API and the terminal shortcut, fed by what the connected tabs report.
      const tabs = trackConnectedTabs(server.environments.client.hot)
      const { base } = server.config
      server.middlewares.use(createControlApi({ base, tabs, discovered: () => context.plugins(), logger: server.config.logger }))
      addListShortcut(server, async () => formatPluginListing(buildStatus(await context.plugins(), tabs.list()), Date.now()))
      // Ahead of Vite's own middlewares: the browser's request for a validated module is served
      // from the validation's transform instead of a second one.
      server.middlewares.use((req, _res, next) => {
        const url = base !== '/' && req.url?.startsWith(base) ? req.url.slice(base.length - 1) : req.url
        if (url) validated.restore(server.environments.client, url)
        next()
      })
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
    async hotUpdate({ type, file, modules, timestamp, read }) {
      if (this.environment.config.consumer !== 'client') return
      const relative = normalizePath(path.relative(context.root, file))
      if (await changesEntrySet(context, type, file, relative, read)) {
        reloadWithNewRegistry(this.environment, context, relative)
        return []
      }
      if (modules.length === 0) return
      const plugins = await context.plugins()
      const idByEntryFile = new Map(plugins.map((p) => [p.absFile, p.id]))
      const owners = findOwners(modules, idByEntryFile)
      if (owners.length === 0) return
      // Filtered out (a test file, a declaration, an editor's backup…): no plugin reloads for it.
      if (!context.mayReload(relative)) return []
      const announcement: UpdateAnnouncement = { file: relative, plugins: owners, timestamp }
      // In a storm of saves the page gets the first version now and the final one when it ends; it
      // still hears of each change, so a version overtaken by a newer save is not reported as failed.
      if (settle?.inStorm(file)) {
        this.environment.hot.send(HotEvents.update, { ...announcement, storm: true })
        return []
      }
      const content = await read()
      settle?.sent(file, content)

      const environment = this.environment
      const failure = await findCompileFailure(environment, modules, (module) => validated.transform(environment, module, timestamp))
      if (await changedSince(file, content)) {
        // Saved again while being transformed (maybe read half-written): wait for the final content.
        settle?.later(file)
        return []
      }
      if (failure) {
        const where = failure.loc ? `${relative}:${failure.loc.line}:${failure.loc.column}` : relative
        const refused: CompileErrorAnnouncement = { file: relative, plugins: owners, message: `${where}: ${failure.message}` }
        if (failure.frame) refused.frame = failure.frame
        context.logger?.error(
          `${LOG_PREFIX} ${where} does not compile; ${owners.join(', ')} keep${owners.length === 1 ? 's' : ''} running the previous version.\n${failure.message}${failure.frame ? `\n${failure.frame}` : ''}`,
          { timestamp: true },
        )
        // Vite's overlay shows it; our runtime records it; no update is sent, so nothing is torn down.
        this.environment.hot.send({ type: 'error', err: failure })
        this.environment.hot.send(HotEvents.error, refused)
        return []
      }
      this.environment.hot.send(HotEvents.update, announcement)
    },
  }
}

/** Whether this file event adds or removes a plugin entry, or changes an entry's literal `meta.id`. */
async function changesEntrySet(
  context: HotPluginsContext,
  type: 'create' | 'update' | 'delete',
  file: string,
  relative: string,
  read: () => string | Promise<string>,
): Promise<boolean> {
  if (!context.isEntryPath(relative)) return false
  const known = (await context.plugins()).find((p) => p.absFile === normalizePath(file))
  if (type === 'create') return known === undefined
  if (type === 'delete') return known !== undefined
  if (!known) return false
  await init
  return (readStaticMetaId(await read()) ?? defaultPluginId(known.file)) !== known.id
}

/**
 * The set of plugins changed: discover again and reload the page so the host starts the new set.
 * (A duplicate id found now shows in Vite's error overlay when the registry loads.)
 */
function reloadWithNewRegistry(environment: DevEnvironment, context: HotPluginsContext, relative: string): void {
  context.rediscover()
  const registry = environment.moduleGraph.getModuleById(RESOLVED_VIRTUAL_REGISTRY_ID)
  if (registry) environment.moduleGraph.invalidateModule(registry)
  context.logger?.info(`${LOG_PREFIX} plugin entries changed (${relative}); reloading the page`, { timestamp: true })
  environment.hot.send({ type: 'full-reload' })
}

async function changedSince(file: string, content: string): Promise<boolean> {
  try {
    return (await readFile(file, 'utf8')) !== content
  } catch {
    return true
  }
}
