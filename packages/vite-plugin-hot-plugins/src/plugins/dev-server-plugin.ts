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
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import path from 'node:path'
import { isFileLoadingAllowed, normalizePath, type DevEnvironment, type EnvironmentModuleNode, type HotUpdateOptions, type Plugin } from 'vite'
import { addListShortcut } from '../control/cli-shortcut.js'
import { trackConnectedTabs } from '../control/connected-tabs.js'
import { createControlApi } from '../control/control-api.js'
import { createDepartures, type Departures } from '../hmr/departed-entries.js'
import { buildStatus } from '../control/status.js'
import type { HotPluginsContext } from '../context.js'
import { attachLastGood } from '../hmr/last-good.js'
import { findOwners } from '../hmr/owners.js'
import { readStaticMetaId } from '../discovery/plugin-ids.js'
import { formatPluginListing } from '../control/plugin-listing.js'
import { optimizeDepsEntries } from '../codegen/scan-entries.js'
import { defaultIdOf, type DiscoveredPlugin } from '../discovery/discover-plugins.js'
import { createDiscoveryChecks } from '../discovery/checks.js'
import { createWatchedCheck } from '../discovery/hot-reach.js'
import { globFoldersOutsideRoot, workspaceServeConfig } from '../discovery/workspace-config.js'
import { createPluginSetUpdater, describePluginSetChange, diffPluginSets, type PluginSetChange } from '../discovery/entry-set.js'
import { createBatcher, type BatchTicket } from '../hmr/batcher.js'
import { createRegistryUpdater } from '../hmr/registry-update.js'
import { findFormerOwners, REMOVAL_SETTLE_MS, runningOwners } from '../hmr/former-owners.js'
import { createSettleCheck } from '../hmr/final-content.js'
import { nameRegistryUpdates } from '../hmr/update-log.js'
import { createValidatedTransforms } from '../hmr/validated-transforms.js'
import { findCompileFailure, refuseChange } from '../hmr/compile-check.js'

/**
 * Dev server wiring: tells the browser which plugins a change belongs to before Vite sends the new
 * modules, and logs the outcome each tab reports. It never changes Vite's own update: files that
 * belong to no plugin behave exactly as without this plugin.
 */
export function devServerPlugin(context: HotPluginsContext): Plugin {
  let settle: ReturnType<typeof createSettleCheck> | undefined
  let pluginSet: ReturnType<typeof createPluginSetUpdater> | undefined
  let batcher: ReturnType<typeof createBatcher<EnvironmentModuleNode>> | undefined
  let checks: ReturnType<typeof createDiscoveryChecks> | undefined
  let departures: Departures | undefined
  const validated = createValidatedTransforms()
  const sendRegistryUpdate = createRegistryUpdater()
  // Entries deleted or moved away, by file: their helpers' delete events may come after the new set.
  const formerEntries = new Map<string, string>()
  // Entry files deleted or created since the set of plugins was last discovered.
  const recreatedEntries = new Set<string>()
  return {
    name: `${PLUGIN_NAME}:serve`,
    apply: 'serve',
    config(config) {
      const workspace = workspaceServeConfig(config, context.options)
      return {
        optimizeDeps: {
          // The client is plain ESM; serving it unbundled keeps one instance of it for the app and
          // the registry, and avoids a re-optimisation (and page reload) when the registry is first
          // loaded. Plugin packages are served as source, so that they hot-reload.
          exclude: [CLIENT_PACKAGE, ...workspace.exclude],
          // The dependency scanner does not enter virtual:hot-plugins: point it at the entries.
          entries: optimizeDepsEntries(config, [...context.options.plugins, ...workspace.entries]),
        },
        ...(workspace.allow ? { server: { fs: { allow: workspace.allow } } } : {}),
      }
    },
    configureServer(server) {
      checks = createDiscoveryChecks(context, {
        isServed: (absFile) => isFileLoadingAllowed(server.config, absFile),
        isWatched: createWatchedCheck(server.config),
      })
      context.onDiscovered = checks.discovered
      const outside = globFoldersOutsideRoot(server.config.root, context.options.plugins)
      if (outside.length > 0) server.watcher.add(outside)
      if (context.known().length > 0) checks.discovered(context.known())
      // A lost event at the end of a burst is replayed as the change it was.
      settle = createSettleCheck((file) => server.watcher.emit('change', file))
      // Each plugin's last good version, run by a reloaded page where the file on disk fails at start.
      const lastGood = attachLastGood(server, context)
      // Vite's terminal line for each update names the registry; it names the batch's files instead.
      const updateLog = nameRegistryUpdates(server.environments.client.logger, RESOLVED_VIRTUAL_REGISTRY_ID)
      // Plugin changes of a burst become one batch: announced once, applied in the page at once.
      batcher = createBatcher<EnvironmentModuleNode>(context.options.debounce, (batch) => {
        lastGood.announced(batch.id, batch.plugins)
        updateLog.batchSent(batch)
        const announcement: UpdateAnnouncement = { files: batch.files, plugins: batch.plugins, timestamp: batch.timestamp, batch: batch.id }
        server.environments.client.hot.send(HotEvents.update, announcement)
      })
      // Entries created, deleted or moved reach the running page as a new registry (no page reload).
      pluginSet = createPluginSetUpdater(async () => {
        const touched = [...recreatedEntries]
        recreatedEntries.clear()
        const change = await updateRegistry(server.environments.client, context, sendRegistryUpdate, departures)
        for (const gone of [...(change?.removed ?? []), ...(change?.moved.map((m) => m.from) ?? [])]) formerEntries.set(gone.absFile, gone.id)
        // An entry deleted and written again before the new set was discovered (a checkout) is the
        // same plugin with new code: its content goes through as a save would.
        const fresh = new Set([...(change?.added ?? []), ...(change?.moved.map((m) => m.to) ?? [])].map((p) => p.absFile))
        for (const file of touched) if (!fresh.has(file) && context.entryByFile(file) && existsSync(file)) server.watcher.emit('change', file)
      })
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
      // A tab applied a new set of plugins: what only removed plugins imported leaves it (their styles).
      departures = createDepartures((file) => server.environments.client.moduleGraph.getModulesByFile(file))
      server.environments.client.hot.on(HotEvents.entriesApplied, (_data, client) => {
        const pruned = departures!.prune(Date.now())
        if (pruned.length > 0) client.send({ type: 'prune', paths: pruned.map((m) => m.url) })
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
    transform(_code, id) {
      // A departed entry that is transformed again (it came back) is in use again.
      if (this.environment.config.consumer === 'client') departures?.transformed(id.split('?', 1)[0] as string)
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
    if (type !== 'delete') checks?.changed(relative)
    if (await changesEntrySet(context, type, file, relative, read)) {
      if (type === 'delete') departures?.depart(normalizePath(file))
      // Its next import must read the file again (Vite keeps a deleted module's last transform).
      for (const module of modules) environment.moduleGraph.invalidateModule(module)
      if (type !== 'update') recreatedEntries.add(normalizePath(file))
      pluginSet?.changed()
      return []
    }
    if (modules.length === 0) return undefined
    const plugins = await context.plugins()
    const idByEntryFile = new Map(plugins.map((p) => [p.absFile, p.id]))
    const entryFile = (m: EnvironmentModuleNode) => (m.file !== null && idByEntryFile.has(m.file) ? m.file : undefined)
    if (type === 'delete') {
      // The entries above it that are gone from disk departed: their stylesheets leave the page.
      departures?.noteDeleted(modules, entryFile)
      if (isLeftOfDeparted(environment, modules, timestamp)) return []
      return handleDeletedFile(environment, relative, modules, plugins, timestamp, ticket)
    }
    const owners = findOwners(modules, idByEntryFile)
    if (owners.length === 0) {
      if (isLeftOfDeparted(environment, modules, timestamp)) return []
      return isFileOfDeletedPlugin(environment, modules, plugins, timestamp) ? [] : undefined
    }
    // Filtered out (a test file, a declaration, an editor's backup…): no plugin reloads for it.
    if (!context.mayReload(relative)) {
      checks?.filteredOut(relative, owners)
      return []
    }
    // In a storm of saves the page gets the first version now and the final one when it ends; it
    // still hears of each change, so a version overtaken by a newer save is not reported as failed.
    if (settle?.inStorm(file)) {
      const storm: UpdateAnnouncement = { files: [relative], plugins: owners, timestamp, storm: true }
      environment.hot.send(HotEvents.update, storm)
      return []
    }
    const content = await readIfPresent(read)
    // Deleted right after this event: its delete event follows, and is a removal, not an error.
    if (content === undefined) return []
    settle?.sent(file, content)

    const failure = await findCompileFailure(environment, modules, (module) => validated.transform(environment, module, timestamp))
    if (await changedSince(file, content)) {
      // Saved again while being transformed (maybe read half-written): wait for the final content.
      settle?.later(file)
      return []
    }
    if (failure) {
      refuseChange(environment, context, { file: relative, plugins: owners }, failure)
      return []
    }
    return joinBatch(environment, ticket, owners, modules, timestamp)
  }

  /**
   * A deleted file a plugin imported. Deleted with its plugin (a folder deleted or renamed): a
   * removal, which the entry's own event makes; nothing else is sent. Deleted from under a plugin
   * that runs on: its entry is checked again, and either compiles without it or is refused.
   */
  async function handleDeletedFile(
    environment: DevEnvironment,
    relative: string,
    modules: EnvironmentModuleNode[],
    plugins: readonly DiscoveredPlugin[],
    timestamp: number,
    ticket: BatchTicket<EnvironmentModuleNode>,
  ): Promise<EnvironmentModuleNode[] | undefined> {
    const former = findFormerOwners(modules, environment.moduleGraph.idToModuleMap.values(), entryIds(plugins))
    if (former.owners.length === 0) return undefined
    if (!context.mayReload(relative)) return []
    // Should it come back, its next import reads it again (the browser keeps every version it loaded).
    invalidateForNextImport(environment, modules, timestamp)
    // Created again meanwhile: its create event is the change.
    if (modules.some((module) => module.file !== null && existsSync(module.file))) return []
    let running = runningOwners(former.entries, plugins)
    // A folder being deleted loses its files one by one: its entry may still be there for a moment.
    if (running.length > 0) {
      await sleep(REMOVAL_SETTLE_MS)
      running = runningOwners(former.entries, plugins)
    }
    if (running.length === 0) return []
    const ids = running.map((p) => p.id)
    const entries = running.flatMap((p) => [...(environment.moduleGraph.getModulesByFile(p.absFile) ?? [])])
    for (const entry of entries) environment.moduleGraph.invalidateModule(entry)
    const failure = await findCompileFailure(environment, entries, (module) => validated.transform(environment, module, timestamp))
    if (failure) {
      refuseChange(environment, context, { file: relative, plugins: ids, cause: `${relative} was deleted` }, failure)
      return []
    }
    return joinBatch(environment, ticket, ids, entries, timestamp)
  }

  /**
   * A file no module imports any more, of a plugin that was deleted (its folder restored, or a
   * change the watcher reported in place of a delete and a create): nothing in the page runs it, and
   * Vite would take it for a dead end and reload the page. Its plugin's entry, when added again,
   * imports it afresh.
   */
  function isFileOfDeletedPlugin(
    environment: DevEnvironment,
    modules: EnvironmentModuleNode[],
    plugins: readonly DiscoveredPlugin[],
    timestamp: number,
  ): boolean {
    if (modules.some((module) => module.importers.size > 0 || plugins.some((p) => p.absFile === module.file))) return false
    if (findFormerOwners(modules, environment.moduleGraph.idToModuleMap.values(), entryIds(plugins)).owners.length === 0) return false
    invalidateForNextImport(environment, modules, timestamp)
    return true
  }

  /**
   * A stylesheet or helper only removed plugins used, deleted or written: nothing in the page uses
   * it (an update would fail, reload the page, or put a removed stylesheet back). Should its plugin
   * come back, it imports the file as it is then.
   */
  function isLeftOfDeparted(environment: DevEnvironment, modules: EnvironmentModuleNode[], timestamp: number): boolean {
    if (!departures?.usedOnlyByDeparted(modules)) return false
    invalidateForNextImport(environment, modules, timestamp)
    return true
  }

  /** The next import of these modules gets a new `?t=`: the browser keeps every version it loaded. */
  function invalidateForNextImport(environment: DevEnvironment, modules: EnvironmentModuleNode[], timestamp: number): void {
    const seen = new Set<EnvironmentModuleNode>()
    for (const module of modules) environment.moduleGraph.invalidateModule(module, seen, timestamp, true)
  }

  /** Every entry file that was a plugin's, deleted ones included, to its plugin id. */
  function entryIds(plugins: readonly DiscoveredPlugin[]): Map<string, string> {
    return new Map([...formerEntries, ...plugins.map((p) => [p.absFile, p.id] as const)])
  }

  /**
   * The change is in its batch; once the batch is announced, its update goes to the browser. One
   * change of the batch carries the modules of all (Vite sends one update per file event, and two
   * updates reaching one entry would swap its plugin twice); the others carry none.
   */
  async function joinBatch(
    environment: DevEnvironment,
    ticket: BatchTicket<EnvironmentModuleNode>,
    owners: readonly string[],
    modules: readonly EnvironmentModuleNode[],
    timestamp: number,
  ): Promise<EnvironmentModuleNode[]> {
    ticket.validated(owners, modules)
    const carried = await ticket.ready
    // A helper whose entry was deleted meanwhile (a folder deleted or checked out as it was saved)
    // imported by nothing now: a dead end for Vite, which would reload the page. The entry's own
    // event removes or re-adds the plugin; the helper's next import gets a fresh `?t=`.
    const plugins = context.known()
    const orphaned = carried.filter((m) => m.importers.size === 0 && !m.isSelfAccepting && !plugins.some((p) => p.absFile === m.file))
    invalidateForNextImport(environment, orphaned, timestamp)
    const sent = carried.filter((m) => !orphaned.includes(m))
    validated.restamp(sent, timestamp)
    return sent
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
  const code = await readIfPresent(read)
  // Deleted right after it was saved: its delete event follows; discovering again now does no harm.
  if (code === undefined) return true
  await init
  return (readStaticMetaId(code) ?? defaultIdOf(known)) !== known.id
}

/** The file's content, or `undefined` once it is gone (deleted, or moved away). */
async function readIfPresent(read: () => string | Promise<string>): Promise<string | undefined> {
  try {
    return await read()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * The set of plugins changed: discover again and update the registry module. It accepts its own
 * update, so the page adds, removes and moves plugins without reloading. Two entries with one id
 * are shown in Vite's overlay and change nothing; the next entry change tries again.
 */
async function updateRegistry(
  environment: DevEnvironment,
  context: HotPluginsContext,
  sendRegistryUpdate: (environment: DevEnvironment, registry: EnvironmentModuleNode) => void,
  departures?: Departures,
): Promise<PluginSetChange | undefined> {
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
    return undefined
  }
  const change = diffPluginSets(before, after)
  departures?.sync(before, after)
  if (!change.changed && !failedBefore) return change
  // One line naming what changed, in place of Vite's `hmr update virtual:hot-plugins`.
  if (change.changed) context.logger?.info(`${LOG_PREFIX} ${describePluginSetChange(change)}`, { timestamp: true })
  const registry = environment.moduleGraph.getModuleById(RESOLVED_VIRTUAL_REGISTRY_ID)
  if (registry) sendRegistryUpdate(environment, registry)
  return change
}

async function changedSince(file: string, content: string): Promise<boolean> {
  try {
    return (await readFile(file, 'utf8')) !== content
  } catch {
    return true
  }
}
