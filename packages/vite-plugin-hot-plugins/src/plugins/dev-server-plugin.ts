import {
  CLIENT_PACKAGE,
  HotEvents,
  LOG_PREFIX,
  PLUGIN_NAME,
  RESOLVED_VIRTUAL_REGISTRY_ID,
  type CompileErrorAnnouncement,
  type BatchResult,
  type UpdateAnnouncement,
} from '@hot-plugins/client/protocol'
import { init } from 'es-module-lexer'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { normalizePath, type DevEnvironment, type EnvironmentModuleNode, type HotUpdateOptions, type Plugin } from 'vite'
import { addListShortcut } from '../cli-shortcut.js'
import { trackConnectedTabs } from '../connected-tabs.js'
import { createControlApi } from '../control-api.js'
import { buildStatus } from '../control-status.js'
import type { HotPluginsContext } from '../context.js'
import { findOwners } from '../ownership.js'
import { defaultPluginId, readStaticMetaId } from '../plugin-ids.js'
import { formatPluginListing } from '../plugin-listing.js'
import { optimizeDepsEntries } from '../scan-entries.js'
import type { DiscoveredPlugin } from '../discovery.js'
import { createPluginSetUpdater, describePluginSetChange, diffPluginSets } from '../plugin-set.js'
import { createBatcher, type BatchTicket } from '../batcher.js'
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
  let pluginSet: ReturnType<typeof createPluginSetUpdater> | undefined
  let batcher: ReturnType<typeof createBatcher<EnvironmentModuleNode>> | undefined
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
      // Plugin changes of a burst become one batch: announced once, applied in the page at once.
      batcher = createBatcher<EnvironmentModuleNode>(context.options.debounce, (batch) => {
        const announcement: UpdateAnnouncement = { files: batch.files, plugins: batch.plugins, timestamp: batch.timestamp, batch: batch.id }
        server.environments.client.hot.send(HotEvents.update, announcement)
      })
      // Entries created, deleted or moved reach the running page as a new registry (no page reload).
      pluginSet = createPluginSetUpdater(() => updateRegistry(server.environments.client, context))
      server.httpServer?.once('close', () => {
        settle?.dispose()
        pluginSet?.dispose()
        batcher?.dispose()
      })
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
      server.environments.client.hot.on(HotEvents.result, (result: BatchResult) => {
        const logger = server.config.logger
        const swapped = result.plugins.filter((p) => p.outcome === 'swapped')
        if (swapped.length > 0) {
          const kept = swapped.filter((p) => p.stateKept).length
          const state = kept === 0 ? '' : kept === swapped.length ? ', state kept' : `, state kept for ${kept} of ${swapped.length}`
          const ids = swapped.map((p) => (p.via === undefined ? p.id : `${p.id} (for ${p.via})`)).join(', ')
          logger.info(`${LOG_PREFIX} reloaded ${ids} in ${Math.round(result.durationMs)} ms${state}`, { timestamp: true })
        }
        for (const failed of result.plugins.filter((p) => p.outcome !== 'swapped')) {
          logger.warn(`${LOG_PREFIX} ${failed.error ?? `plugin "${failed.id}" failed to reload`} (${failed.outcome})`, { timestamp: true })
        }
      })
    },
    async hotUpdate(update) {
      const environment = this.environment
      if (environment.config.consumer !== 'client') return
      // Joins the open batch before anything is awaited, so that changes arriving together are one
      // batch however long the checks below take; a change that is not a plugin's leaves it.
      const ticket = batcher!.join(normalizePath(path.relative(context.root, update.file)), update.timestamp)
      try {
        return await handleChange(environment, update, ticket)
      } finally {
        ticket.withdraw()
      }
    },
  }

  /** What hotUpdate does with a change of the client environment; `undefined` leaves it to Vite. */
  async function handleChange(
    environment: DevEnvironment,
    { type, file, modules, timestamp, read }: HotUpdateOptions,
    ticket: BatchTicket<EnvironmentModuleNode>,
  ): Promise<EnvironmentModuleNode[] | undefined> {
    const relative = normalizePath(path.relative(context.root, file))
    if (await changesEntrySet(context, type, file, relative, read)) {
      // Its next import must read the file again (Vite keeps a deleted module's last transform).
      for (const module of modules) environment.moduleGraph.invalidateModule(module)
      pluginSet?.changed()
      return []
    }
    if (modules.length === 0) return undefined
    const plugins = await context.plugins()
    const idByEntryFile = new Map(plugins.map((p) => [p.absFile, p.id]))
    const owners = findOwners(modules, idByEntryFile)
    if (owners.length === 0) return undefined
    // Filtered out (a test file, a declaration, an editor's backup…): no plugin reloads for it.
    if (!context.mayReload(relative)) return []
    // In a storm of saves the page gets the first version now and the final one when it ends; it
    // still hears of each change, so a version overtaken by a newer save is not reported as failed.
    if (settle?.inStorm(file)) {
      const storm: UpdateAnnouncement = { files: [relative], plugins: owners, timestamp, storm: true }
      environment.hot.send(HotEvents.update, storm)
      return []
    }
    const content = await read()
    settle?.sent(file, content)

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
      environment.hot.send({ type: 'error', err: failure })
      environment.hot.send(HotEvents.error, refused)
      return []
    }
    return joinBatch(ticket, owners, modules, timestamp)
  }

  /**
   * The change is in its batch; once the batch is announced, its update goes to the browser. One
   * change of the batch carries the modules of all (Vite sends one update per file event, and two
   * updates reaching one entry would swap its plugin twice); the others carry none.
   */
  async function joinBatch(
    ticket: BatchTicket<EnvironmentModuleNode>,
    owners: readonly string[],
    modules: readonly EnvironmentModuleNode[],
    timestamp: number,
  ): Promise<EnvironmentModuleNode[]> {
    ticket.validated(owners, modules)
    const carried = await ticket.ready
    validated.restamp(carried, timestamp)
    return [...carried]
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
  // An entry created or deleted: discover again (the watcher may report a rename's delete after the
  // create, once the new set was already discovered; the discovery then finds nothing new). And
  // when the last discovery failed (two entries with one id), any change of an entry may fix it.
  if (type !== 'update' || context.discoveryFailed()) return true
  const known = (await context.plugins()).find((p) => p.absFile === normalizePath(file))
  if (!known) return false
  await init
  return (readStaticMetaId(await read()) ?? defaultPluginId(known.file)) !== known.id
}

/**
 * The set of plugins changed: discover again and update the registry module. It accepts its own
 * update, so the page adds, removes and moves plugins without reloading. Two entries with one id
 * are shown in Vite's overlay and change nothing; the next entry change tries again.
 */
async function updateRegistry(environment: DevEnvironment, context: HotPluginsContext): Promise<void> {
  const before = context.known()
  const failedBefore = context.discoveryFailed()
  context.rediscover()
  let after: DiscoveredPlugin[]
  try {
    after = await context.plugins()
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    context.logger?.error(`${message} The running plugins are unchanged.`, { timestamp: true })
    environment.hot.send({ type: 'error', err: { message, stack: '' } })
    const refused: CompileErrorAnnouncement = { file: '', plugins: [], message }
    environment.hot.send(HotEvents.error, refused)
    return
  }
  const change = diffPluginSets(before, after)
  if (!change.changed && !failedBefore) return
  for (const line of describePluginSetChange(change)) context.logger?.info(`${LOG_PREFIX} ${line}`, { timestamp: true })
  const registry = environment.moduleGraph.getModuleById(RESOLVED_VIRTUAL_REGISTRY_ID)
  if (registry) await environment.reloadModule(registry)
}

async function changedSince(file: string, content: string): Promise<boolean> {
  try {
    return (await readFile(file, 'utf8')) !== content
  } catch {
    return true
  }
}
