import { EXPOSE_FEED_PATH, EXPOSE_RESULTS_PATH, HotEvents, LOG_PREFIX, PLUGIN_NAME, RESOLVED_VIRTUAL_REGISTRY_ID, type BatchResult, type CompileErrorAnnouncement, type UpdateAnnouncement } from '@hot-plugins/client/protocol'
import type { Connect, DevEnvironment, EnvironmentModuleNode, Logger, Plugin, ViteDevServer } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { rootRelative } from '../discovery/path-globs.js'
import { invalidateForNextImport } from '../hmr/change.js'
import { describeBatch, logBatchResult } from '../hmr/update-log.js'
import { createExposeFeed, type ExposeFeed } from './expose-feed.js'
import { foreignOrigin, isAllowedOrigin } from './origin-gate.js'
import { VITE_CLIENT_STAND_IN } from './vite-client-stand-in.js'

/**
 * `expose`: this dev server serves its plugins to hosts on other dev servers. Requests of other
 * origins are let through only from `allowOrigins`; a host's page gets a Vite client that opens no
 * socket; each host's dev server follows the feed of this server's plugins, their updates and
 * refused compiles (what the pipeline sends its own pages, tapped at the HMR channel).
 */
export function exposePlugin(context: HotPluginsContext): Plugin {
  let feed: ExposeFeed | undefined
  // The announcement of the batch whose modules Vite is about to update.
  let announced: UpdateAnnouncement | undefined
  return {
    name: `${PLUGIN_NAME}:expose`,
    apply: () => context.options.expose !== false,
    applyToEnvironment: (environment) => environment.config.consumer === 'client',
    configureServer(server) {
      const { expose } = context.options
      if (expose === false) return
      const environment = server.environments.client
      const opened = createExposeFeed(server.config.base)
      feed = opened
      tapAnnouncements(environment, {
        update(announcement) {
          if (announcement.storm) opened.send({ type: 'update', announcement, timestamp: announcement.timestamp })
          else announced = announcement
        },
        error: (announcement) => opened.send({ type: 'error', announcement }),
      })
      server.httpServer?.once('close', opened.dispose)
      // Ahead of the control API, which answers every other path under its prefix.
      server.middlewares.use(gate(server, context, expose.allowOrigins, opened))
    },
    hotUpdate: {
      order: 'post',
      handler({ modules, timestamp, file }) {
        const announcement = announced
        if (!feed || modules.length === 0) return undefined
        const files = new Set(announcement?.files)
        // Not the batch just announced: a change Vite handles itself.
        if (!announcement || !modules.some((m) => m.file !== null && files.has(rootRelative(context.root, m.file)))) {
          return styleOrSelfAccepted(this.environment, context, feed, { modules, timestamp, file })
        }
        announced = undefined
        // Invalidated now, before the hosts hear of it: their import must get the new code.
        invalidateForNextImport(this.environment, modules, timestamp)
        feed.send({ type: 'update', announcement, timestamp })
        // The hosts' pages import its modules now (their `?t=` set above): requests fetched ahead are answered.
        context.onUpdateRelayed?.(timestamp)
        // With a page of its own running the registry, Vite updates it (and names the batch).
        if (this.environment.moduleGraph.getModuleById(RESOLVED_VIRTUAL_REGISTRY_ID)) return undefined
        // Else Vite finds no boundary for a plugin served only to hosts, and would reload this
        // server's pages (and say so in the terminal).
        context.logger?.info(`${LOG_PREFIX} hmr update ${describeBatch(announcement)} ${sentTo(feed)}`, { timestamp: true })
        return []
      },
    },
  }
}

/**
 * A change Vite handles in place for this server's own pages (a stylesheet, a module that accepts
 * its own updates) reaches a host's page through no socket: the plugins that import it are swapped
 * there instead, with their state. This server's own pages update as Vite does.
 */
function styleOrSelfAccepted(
  environment: DevEnvironment,
  context: HotPluginsContext,
  feed: ExposeFeed,
  { modules, timestamp, file }: { modules: readonly EnvironmentModuleNode[]; timestamp: number; file: string },
): undefined {
  const idByEntry = new Map(context.known().map((p) => [p.absFile, p.id]))
  const plugins = new Set<string>()
  const seen = new Set<EnvironmentModuleNode>()
  const queue = [...modules]
  for (const module of queue) {
    if (seen.has(module)) continue
    seen.add(module)
    const id = module.file === null ? undefined : idByEntry.get(module.file)
    if (id !== undefined) plugins.add(id)
    queue.push(...module.importers)
  }
  if (plugins.size === 0) return undefined
  invalidateForNextImport(environment, modules, timestamp)
  const announcement: UpdateAnnouncement = { files: [rootRelative(context.root, file)], plugins: [...plugins].sort(), timestamp }
  feed.send({ type: 'update', announcement, timestamp })
  context.logger?.info(`${LOG_PREFIX} hmr update ${describeBatch(announcement)} ${sentTo(feed)}`, { timestamp: true })
  return undefined
}

/** Where a batch went: no save goes unsaid, even one no host hears of. */
function sentTo(feed: ExposeFeed): string {
  const hosts = feed.hosts()
  if (hosts === 0) return '(no host follows this project now: no page got it; a host that connects gets the plugins as they are then)'
  return `(sent to ${hosts} host${hosts === 1 ? '' : 's'})`
}

/** Calls `to` with each announcement and refused compile the pipeline sends over the HMR channel. */
function tapAnnouncements(
  environment: DevEnvironment,
  to: { update(announcement: UpdateAnnouncement): void; error(announcement: CompileErrorAnnouncement): void },
): void {
  const hot = environment.hot
  const send = hot.send.bind(hot) as (...args: unknown[]) => void
  hot.send = ((...args: unknown[]) => {
    if (args[0] === HotEvents.update) to.update(args[1] as UpdateAnnouncement)
    if (args[0] === HotEvents.error) to.error(args[1] as CompileErrorAnnouncement)
    send(...args)
  }) as typeof hot.send
}

/** Refuses other origins than `allowed`; serves hosts the feed and the socket-less Vite client. */
function gate(server: ViteDevServer, context: HotPluginsContext, allowed: readonly (string | RegExp)[], feed: ExposeFeed): Connect.NextHandleFunction {
  const { base } = server.config
  const feedPath = `${base}${EXPOSE_FEED_PATH}`
  const clientPath = `${base}@vite/client`
  let discoveredHooked = false
  return (req, res, next) => {
    const origin = foreignOrigin(req)
    const path = req.url?.split('?', 1)[0]
    if (origin === undefined) return path === feedPath ? refuse(res, 403, `${LOG_PREFIX} the feed of exposed plugins is for host dev servers: they send their Origin`) : next()
    if (!isAllowedOrigin(origin, allowed)) {
      context.warnOnce(`refused ${origin}`, `${LOG_PREFIX} refused ${origin}: it is not in expose.allowOrigins (${allowed.map(String).join(', ')}); its page cannot load this project's plugins`)
      return refuse(res, 403, `${LOG_PREFIX} ${server.resolvedUrls?.local[0] ?? 'this dev server'} does not serve ${origin}: add it to expose.allowOrigins in its hotPlugins() options`)
    }
    res.setHeader('Access-Control-Allow-Origin', origin)
    res.setHeader('Vary', 'Origin')
    if (path === clientPath) {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' })
      return void res.end(VITE_CLIENT_STAND_IN)
    }
    if (path === `${base}${EXPOSE_RESULTS_PATH}` && req.method === 'POST') return takeResult(req, res, origin, server.config.logger)
    if (path !== feedPath) return next()
    if (!discoveredHooked) {
      discoveredHooked = true
      const checks = context.onDiscovered
      context.onDiscovered = (plugins, lookalikes) => {
        checks?.(plugins, lookalikes)
        feed.entries(plugins)
      }
    }
    context.plugins().then(
      async (plugins) => {
        // Learned before the host hears of the plugins: a page that loads them again then (this
        // server restarted) gets every helper as it is now. A server closing meanwhile ends it.
        await relearn(server.environments.client, plugins.map((p) => p.url)).catch(() => {})
        if (req.destroyed) return
        feed.entries(plugins)
        feed.attach(req, res, () => context.logger?.info(`${LOG_PREFIX} ${origin} follows this project's plugins`, { timestamp: true }))
      },
      (error: unknown) => refuse(res, 500, error instanceof Error ? error.message : String(error)),
    )
  }
}

/** What a host's page made of this project's batch, in this server's terminal too: `reloaded charts in 12 ms, state kept (in http://localhost:5173)`. */
function takeResult(req: Connect.IncomingMessage, res: import('node:http').ServerResponse, origin: string, logger: Logger): void {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (chunk: string) => void (body += chunk))
  req.on('end', () => {
    try {
      const result = JSON.parse(body) as BatchResult
      const where = ` (in ${origin})`
      logBatchResult({ info: (message, options) => logger.info(message + where, options), warn: (message, options) => logger.warn(message + where, options) }, result)
      res.writeHead(204).end()
    } catch {
      refuse(res, 400, `${LOG_PREFIX} a batch result must be JSON`)
    }
  })
}

function refuse(res: import('node:http').ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(message)
}

/**
 * A host's page may have run these plugins before this server (re)started: its module graph learns
 * them again, so that the next save finds their plugin, and every module they import gets a new
 * `?t=`, so that the page's next import of an entry does not reuse a helper it loaded before.
 */
async function relearn(environment: DevEnvironment, entries: readonly string[]): Promise<void> {
  await Promise.all(entries.map((url) => environment.transformRequest(url).catch(() => undefined)))
  const own = new Set<EnvironmentModuleNode>()
  const visit = (module: EnvironmentModuleNode | undefined) => {
    if (!module || own.has(module) || module.file === null || module.file.includes('/node_modules/')) return
    own.add(module)
    for (const imported of module.importedModules) visit(imported)
  }
  for (const url of entries) visit(await environment.moduleGraph.getModuleByUrl(url))
  invalidateForNextImport(environment, [...own], Date.now())
}
