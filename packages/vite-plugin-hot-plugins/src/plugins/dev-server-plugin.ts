import { CLIENT_BROWSER_DEPENDENCIES, CLIENT_PACKAGE, HotEvents, PLUGIN_NAME, RESOLVED_VIRTUAL_REGISTRY_ID, type BatchResult, type UpdateAnnouncement } from '@hot-plugins/client/protocol'
import { isFileLoadingAllowed, type DevEnvironment, type EnvironmentModuleNode, type Plugin, type ViteDevServer } from 'vite'
import { optimizeDepsEntries } from '../codegen/scan-entries.js'
import { attachControl } from '../control/attach-control.js'
import type { HotPluginsContext } from '../context.js'
import type { DiscoveredPlugin } from '../discovery/discover-plugins.js'
import { createDiscoveryChecks } from '../discovery/checks.js'
import { createWatchedCheck } from '../discovery/hot-reach.js'
import { watchPackageLinks } from '../discovery/package-links.js'
import { rootRelative } from '../discovery/path-globs.js'
import { globFoldersOutsideRoot, workspaceServeConfig } from '../discovery/workspace-config.js'
import { createBatcher, type BatchTicket } from '../hmr/batcher.js'
import type { PipelineParts } from '../hmr/change.js'
import { createDepartedEntries } from '../hmr/departed-entries.js'
import { entryIds } from '../hmr/early-validation.js'
import { createEntrySetUpdate } from '../hmr/entry-set-update.js'
import { readOnce } from '../hmr/file-content.js'
import { createFinalContentCheck } from '../hmr/final-content.js'
import { attachLastGood } from '../hmr/last-good.js'
import { pluginsAbove } from '../hmr/owners.js'
import { handleChange } from '../hmr/pipeline.js'
import { describeBatch, logBatchResult, nameRegistryUpdates } from '../hmr/update-log.js'
import { createUpdatePrefetch, EMPTY_MODULE, type UpdatePrefetch } from '../hmr/update-prefetch.js'
import { createValidatedTransforms, type ValidatedTransforms } from '../hmr/validated-transforms.js'
import { withoutBase } from '../served-url.js'
import { VIRTUAL_MODULE_ID, withoutQuery } from './filters.js'

/** What the dev server plugin runs on, made once the server is configured. */
interface DevServerParts extends PipelineParts {
  join(file: string, timestamp: number): BatchTicket<EnvironmentModuleNode>
}

/**
 * Dev server wiring: tells the browser which plugins a change belongs to before Vite sends the new
 * modules, and logs the outcome each tab reports. It never changes Vite's own update: files that
 * belong to no plugin behave exactly as without this plugin. Its per-environment hooks run for the
 * browser's environment only (`applyToEnvironment`): SSR and other environments update as Vite does.
 */
export function devServerPlugin(context: HotPluginsContext): Plugin {
  let parts: DevServerParts | undefined
  return {
    name: `${PLUGIN_NAME}:serve`,
    apply: 'serve',
    applyToEnvironment: (environment) => environment.config.consumer === 'client',
    config(config) {
      const workspace = workspaceServeConfig(config, context.options)
      return {
        optimizeDeps: {
          // The client is plain ESM; serving it unbundled keeps one instance of it for the app and
          // the registry, and avoids a re-optimisation (and page reload) when the registry is first
          // loaded. Its own dependencies too (see CLIENT_BROWSER_DEPENDENCIES). Plugin packages are
          // served as source, so that they hot-reload.
          exclude: [CLIENT_PACKAGE, ...CLIENT_BROWSER_DEPENDENCIES, ...workspace.exclude],
          // The dependency scanner does not enter virtual:hot-plugins: point it at the entries.
          entries: optimizeDepsEntries(config, [...context.options.plugins, ...workspace.entries]),
        },
        ...(workspace.allow ? { server: { fs: { allow: workspace.allow } } } : {}),
      }
    },
    configureServer(server) {
      parts = attachDevServer(server, context)
      discoverOnceListening(server, context)
    },
    load: {
      // After every other plugin's load: a file nobody else loads is what the validation read.
      order: 'post',
      filter: { id: { exclude: [VIRTUAL_MODULE_ID, /\?/] } },
      handler(id) {
        return parts?.validated.load(id) ?? null
      },
    },
    transform: {
      // Only real files can be entries: virtual modules never are.
      filter: { id: { exclude: VIRTUAL_MODULE_ID } },
      handler(_code, id) {
        // A departed entry that is transformed again (it came back) is in use again.
        parts?.departed.transformed(withoutQuery(id))
      },
    },
    async hotUpdate(update) {
      if (!parts) return undefined
      // Joins the open batch before anything is awaited, so that changes arriving together are one
      // batch however long the checks take; a change that is not a plugin's leaves it.
      const relative = rootRelative(context.root, update.file)
      const ticket = parts.join(relative, update.timestamp)
      // Every step that needs the content gets the one read.
      const { read, stampBeforeRead } = readOnce(update.file, update.read)
      let verdict: Awaited<ReturnType<typeof handleChange>> = []
      try {
        verdict = await handleChange(parts, { ...update, read, stampBeforeRead, environment: this.environment, relative, ticket })
        return verdict
      } finally {
        ticket.withdraw()
        // Modules fetched ahead for this save are answered once its update went out, if it has one.
        parts.prefetch.handled(update.timestamp, verdict === undefined || verdict.length > 0)
      }
    },
  }
}

/**
 * The entries are crawled and read once `server.listen()` is done, not before: the start does no
 * work per entry, and the page's first request (for the registry, which awaits the same discovery)
 * finds it done or under way. (Vite's listen goes on after the socket is bound, resolving the
 * server's URLs: a discovery started then would still be part of it.) The entries found are then
 * warmed up: their transforms are under way before the browser asks for them, with no second crawl
 * of the globs (`server.warmup` would glob them inside `listen()`). A configuration error (two
 * entries with one id) is logged then, and the registry's load fails with it (Vite's overlay in
 * the page). A server without an HTTP server (middleware mode) discovers at once, and warms up
 * nothing (nor does Vite there).
 */
function discoverOnceListening(server: ViteDevServer, context: HotPluginsContext): void {
  const report = (error: unknown) => context.logger?.error(error instanceof Error ? error.message : String(error), { timestamp: true })
  if (!server.httpServer) return void context.plugins().catch(report)
  const discover = () => void context.plugins().then((plugins) => warmUp(server, plugins), report)
  const listen = server.listen.bind(server)
  server.listen = async (...args) => {
    const listening = await listen(...args)
    // After the caller's own continuation (printing the URLs), before any request is served.
    setImmediate(discover)
    return listening
  }
}

/** Starts the transform of each entry served by this server (Vite's own warm-up, per file). */
function warmUp(server: ViteDevServer, plugins: readonly DiscoveredPlugin[]): void {
  const environment = server.environments.client
  for (const plugin of plugins) void environment.warmupRequest(plugin.url)
}

/** Makes the units of the dev server's HMR pipeline and hooks them to the server. */
function attachDevServer(server: ViteDevServer, context: HotPluginsContext): DevServerParts {
  const environment = server.environments.client
  const checks = createDiscoveryChecks(context, {
    isServed: (absFile) => isFileLoadingAllowed(server.config, absFile),
    isWatched: createWatchedCheck(server.config),
  })
  const discovered = (plugins: readonly DiscoveredPlugin[], lookalikes?: readonly string[]) => {
    // A plugin package's package.json names its entry: a change of it is seen while running.
    const manifests = plugins.flatMap((p) => (p.packageDir === undefined ? [] : [`${p.packageDir}/package.json`]))
    if (manifests.length > 0) server.watcher.add(manifests)
    checks.discovered(plugins, lookalikes)
  }
  context.onDiscovered = discovered
  const outside = globFoldersOutsideRoot(server.config.root, context.options.plugins)
  if (outside.length > 0) server.watcher.add(outside)
  if (context.known().length > 0) discovered(context.known())
  const replay = (file: string) => void server.watcher.emit('change', file)
  // A lost event at the end of a burst is replayed as the change it was.
  const finalContent = createFinalContentCheck(replay)
  const departed = createDepartedEntries((file) => environment.moduleGraph.getModulesByFile(file))
  const entrySet = createEntrySetUpdate({ context, environment, departed, replay })
  const validated = createValidatedTransforms()
  const prefetch = createUpdatePrefetch({ base: server.config.base, send: (urls) => environment.hot.send(HotEvents.prefetch, { urls }) })
  const batcher = announceBatches(server, context)
  // Packages linked or unlinked while the server runs (`pnpm install`) join or leave the plugins.
  const links = context.options.packages.length > 0 && server.config.server.watch !== null ? watchPackageLinks(server.config.root, context.options.packages, entrySet.refresh) : undefined
  const close = server.close.bind(server)
  server.close = () => {
    links?.close()
    return close()
  }
  server.httpServer?.once('close', () => {
    finalContent.dispose()
    entrySet.dispose()
    batcher.dispose()
    prefetch.dispose()
  })
  attachControl(server, context)
  serveUpdateRequests(server, validated, prefetch)
  context.onUpdateRelayed = prefetch.sent
  // A tab applied a new set of plugins: what only removed plugins imported leaves it (their styles).
  environment.hot.on(HotEvents.entriesApplied, (_data, client) => {
    const pruned = departed.prune(Date.now())
    if (pruned.length > 0) client.send({ type: 'prune', paths: pruned.map((m) => m.url) })
  })
  environment.hot.on(HotEvents.result, (result: BatchResult) => logBatchResult(server.config.logger, result))
  return { context, checks, finalContent, entrySet, departed, validated, prefetch, join: (file, timestamp) => batcher.join(file, timestamp) }
}

/**
 * Ahead of Vite's own middlewares: the browser's request for a validated module is served from the
 * validation's transform instead of a second one, and a module fetched ahead of its update waits
 * for that update to go out (or gets the empty module, for a save that has none). Vite's updates
 * are watched on the client's hot channel, right as they are sent.
 */
function serveUpdateRequests(server: ViteDevServer, validated: ValidatedTransforms, prefetch: UpdatePrefetch): void {
  const environment = server.environments.client
  const { hot } = environment
  const send = hot.send
  hot.send = function (this: unknown, ...args: Parameters<typeof send>) {
    const sent = send.apply(this, args)
    if (typeof args[0] === 'object') prefetch.observed(args[0])
    return sent
  } as typeof send
  const { base } = server.config
  server.middlewares.use((req, res, next) => {
    if (!req.url) return next()
    const url = withoutBase(req.url, base)
    const held = prefetch.held(url)
    if (!held) {
      validated.restore(environment, url)
      return next()
    }
    void held.then((answer) => {
      if (answer === 'module') {
        validated.restore(environment, url)
        return next()
      }
      res.setHeader('Content-Type', 'text/javascript')
      res.setHeader('Cache-Control', 'no-cache')
      res.end(EMPTY_MODULE)
    })
  })
}

/**
 * Plugin changes of a burst become one batch: announced once, applied in the page at once. Each
 * announced batch's code is kept as the plugins' last good version once a tab swapped it in.
 */
function announceBatches(server: ViteDevServer, context: HotPluginsContext) {
  const environment = server.environments.client
  const lastGood = attachLastGood(server, context)
  // Vite's terminal line for each update names the registry; it names the batch's files instead.
  const updateLog = nameRegistryUpdates(environment.logger, RESOLVED_VIRTUAL_REGISTRY_ID, (url) => describeInvalidated(environment, context, url))
  return createBatcher<EnvironmentModuleNode>(context.options.debounce, (batch) => {
    lastGood.announced(batch.id, batch.plugins)
    updateLog.batchSent(batch)
    const announcement: UpdateAnnouncement = { files: batch.files, plugins: batch.plugins, timestamp: batch.timestamp, batch: batch.id }
    environment.hot.send(HotEvents.update, announcement)
  })
}

/**
 * A module whose invalidation (React Fast Refresh giving up on it) updates plugins, named with the
 * plugins it is a file of: `src/plugins/react-counter/Counter.tsx → react-counter`.
 */
function describeInvalidated(environment: DevEnvironment, context: HotPluginsContext, url: string): string | undefined {
  const module = environment.moduleGraph.urlToModuleMap.get(url)
  if (!module?.file) return undefined
  const plugins = pluginsAbove([module], entryIds(context))
  return plugins.length === 0 ? undefined : describeBatch({ files: [rootRelative(context.root, module.file)], plugins })
}
