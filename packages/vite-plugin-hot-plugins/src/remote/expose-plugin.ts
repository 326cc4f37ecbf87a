import { EXPOSE_FEED_PATH, HotEvents, LOG_PREFIX, PLUGIN_NAME, RESOLVED_VIRTUAL_REGISTRY_ID, type CompileErrorAnnouncement, type UpdateAnnouncement } from '@hot-plugins/client/protocol'
import type { Connect, DevEnvironment, Plugin, ViteDevServer } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { rootRelative } from '../discovery/path-globs.js'
import { invalidateForNextImport } from '../hmr/change.js'
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
      handler({ modules, timestamp }) {
        const announcement = announced
        if (!feed || !announcement || modules.length === 0) return undefined
        const files = new Set(announcement.files)
        if (!modules.some((m) => m.file !== null && files.has(rootRelative(context.root, m.file)))) return undefined
        announced = undefined
        // Invalidated now, before the hosts hear of it: their import must get the new code.
        invalidateForNextImport(this.environment, modules, timestamp)
        feed.send({ type: 'update', announcement, timestamp })
        // With no page of its own running the registry, Vite finds no boundary for a plugin served
        // only to hosts, and would reload this server's pages (and say so in the terminal).
        return this.environment.moduleGraph.getModuleById(RESOLVED_VIRTUAL_REGISTRY_ID) ? undefined : []
      },
    },
  }
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
      (plugins) => {
        feed.entries(plugins)
        feed.attach(req, res)
        // A host's page imports the entries from here: after a restart, the module graph learns
        // them again, so that the next save finds their plugin.
        for (const plugin of plugins) void server.environments.client.transformRequest(plugin.url).catch(() => {})
      },
      (error: unknown) => refuse(res, 500, error instanceof Error ? error.message : String(error)),
    )
  }
}

function refuse(res: import('node:http').ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(message)
}
