import {
  EXPOSE_RESULTS_PATH,
  HotEvents,
  LOG_PREFIX,
  PLUGIN_NAME,
  RESOLVED_VIRTUAL_REGISTRY_ID,
  pluginName,
  remoteFile,
  remoteName,
  type BatchResult,
  type CompileErrorAnnouncement,
  type ExposedEntry,
  type ExposeMessage,
  type RemoteUpdate,
  type UpdateAnnouncement,
} from '@hot-plugins/client/protocol'
import type { Plugin, ViteDevServer } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { describeBatch } from '../hmr/update-log.js'
import { createRegistryUpdater } from '../hmr/registry-update.js'
import { linkRemote } from './remote-link.js'
import { joinRemotePlugins, type RemotePlugin } from './remote-plugins.js'

/**
 * `remotes`: this app's dev server follows each remote's feed and relays it to the page over its
 * own HMR channel. The page imports the remotes' plugins from them, and has no socket to them.
 */
export function remotesPlugin(context: HotPluginsContext): Plugin {
  let close = () => {}
  return {
    name: `${PLUGIN_NAME}:remotes`,
    apply: (_config, { command }) => command === 'serve' && context.options.remotes.length > 0,
    configureServer(server) {
      close = attachRemotes(server, context)
      server.httpServer?.once('close', close)
    },
    closeBundle: () => close(),
  }
}

/** How long the registry waits, at most, for the first try of every remote. */
const FIRST_TRY_MS = 2_000

/** The state of one remote, as the terminal was last told. */
type LinkState = 'new' | 'up' | 'down' | 'refused'

function attachRemotes(server: ViteDevServer, context: HotPluginsContext): () => void {
  const environment = server.environments.client
  const { logger } = server.config
  const entries = new Map<string, readonly ExposedEntry[]>(context.options.remotes.map((remote) => [remote, []]))
  const said = new Set<string>()
  const joined = (): RemotePlugin[] =>
    joinRemotePlugins(context.known(), entries, (key, message) => {
      if (said.has(key)) return
      said.add(key)
      logger.error(`${LOG_PREFIX} ${message}`, { timestamp: true })
    })
  // A page loaded right after the start gets the remotes' plugins at once, not a moment later.
  const settled: (() => void)[] = []
  const tried = context.options.remotes.map(() => new Promise<void>((resolve) => settled.push(resolve)))
  const firstTry = Promise.race([Promise.all(tried), new Promise((resolve) => setTimeout(resolve, FIRST_TRY_MS).unref())])
  context.remotePlugins = () => firstTry.then(joined)
  const problems = new Map<string, string>()
  context.remoteProblems = () => [...problems.values()]
  const sendRegistryUpdate = createRegistryUpdater()
  const relay = createRelay(server, joined)
  let nextBatch = -1

  const follow = (remote: string, index: number) => {
    const settle = () => settled[index]!()
    let state: LinkState = 'new'
    let connected = false
    const entriesChanged = (next: ExposedEntry[]) => {
      const before = entries.get(remote) ?? []
      entries.set(remote, next)
      const ids = next.map((e) => e.id).join(', ') || 'no plugins'
      settle()
      problems.delete(remote)
      // Back after it was down: the pages load again the plugins they knew of it.
      const again = connected ? [] : next.filter((entry) => before.some((known) => known.id === entry.id))
      if (!connected) logger.info(`${LOG_PREFIX} remote ${remote} connected: ${ids}${again.length > 0 ? `; the open pages load ${again.map((e) => e.id).join(', ')} again` : ''}`, { timestamp: true })
      else logger.info(`${LOG_PREFIX} remote ${remote} now exposes ${ids}`, { timestamp: true })
      connected = true
      if (again.length > 0) relay.loadAgain(remote, again, nextBatch--)
      if (JSON.stringify(before) === JSON.stringify(next)) return
      const registry = environment.moduleGraph.getModuleById(RESOLVED_VIRTUAL_REGISTRY_ID)
      if (registry) sendRegistryUpdate(environment, registry)
    }
    return linkRemote(remote, () => ownOrigin(server), {
      up: () => void ((state = 'up'), (connected = false)),
      message(message: ExposeMessage) {
        if (message.type === 'entries') entriesChanged(message.entries)
        else if (message.type === 'update') relay.update(remote, message.announcement, message.timestamp, message.announcement.storm ? undefined : nextBatch--)
        else relay.error(remote, message.announcement)
      },
      down({ cause, refused }) {
        const next: LinkState = refused ? 'refused' : 'down'
        const problem = describeDown(remote, state, next, cause)
        if (next !== state) logger.warn(`${LOG_PREFIX} ${problem}`, { timestamp: true })
        problems.set(remote, problem)
        settle()
        state = next
      },
    })
  }
  environment.hot.on(HotEvents.result, (result: BatchResult) => {
    for (const remote of context.options.remotes) reportToRemote(remote, result, ownOrigin(server))
  })
  let links: { close(): void }[] = []
  const start = () => void (links = context.options.remotes.map(follow))
  if (server.httpServer && !server.httpServer.listening) server.httpServer.once('listening', start)
  else start()
  return () => {
    for (const link of links) link.close()
    links = []
  }
}

function describeDown(remote: string, before: LinkState, now: LinkState, cause: string): string {
  if (now === 'refused') return `remote ${remote} refused this app (${cause}); its plugins are not loaded`
  if (before === 'up') return `remote ${remote} stopped (${cause}): its plugins keep running their last code; once it is back, the open pages load them again, with what was saved meanwhile`
  return `remote ${remote} is not reachable (${cause}): its plugins are unavailable, and start once it runs (no page reload)`
}

/** What the page is sent of a remote's feed: its batches (with the modules to import) and refused compiles. */
function createRelay(server: ViteDevServer, joined: () => RemotePlugin[]) {
  const environment = server.environments.client
  const { logger } = server.config
  const pluginsOf = (remote: string, ids: readonly string[]) => {
    const mine = new Map(joined().filter((p) => p.remote === remote).map((p) => [p.id, p]))
    return ids.flatMap((id) => mine.get(id) ?? [])
  }
  return {
    update(remote: string, announcement: UpdateAnnouncement, timestamp: number, batch: number | undefined): void {
      const plugins = pluginsOf(remote, announcement.plugins)
      if (plugins.length === 0) return
      const relayed: UpdateAnnouncement = {
        files: announcement.files.map((file) => remoteFile(remote, file)),
        plugins: plugins.map((p) => p.id),
        timestamp,
        ...(batch === undefined ? { storm: true } : { batch }),
      }
      const modules = batch === undefined ? [] : plugins.map((p) => ({ id: p.id, url: p.url, timestamp }))
      if (batch !== undefined) {
        logger.info(`${LOG_PREFIX} hmr update ${describeBatch({ files: relayed.files, plugins: plugins.map((p) => pluginName(p.id, p.file)) })}`, { timestamp: true })
      }
      const update: RemoteUpdate = { announcement: relayed, modules }
      environment.hot.send(HotEvents.remoteUpdate, update)
    },
    /**
     * The remote is back after it was down (it restarted, or this server lost it): each page loads
     * its plugins again, as a batch of theirs. A page that could not import one while it was down
     * starts it; a page that runs one swaps in what was saved meanwhile, its state kept.
     */
    loadAgain(remote: string, again: readonly ExposedEntry[], batch: number): void {
      const plugins = pluginsOf(remote, again.map((entry) => entry.id))
      if (plugins.length === 0) return
      const timestamp = Date.now()
      const announcement: UpdateAnnouncement = { files: plugins.map((p) => p.file), plugins: plugins.map((p) => p.id), timestamp, batch }
      const update: RemoteUpdate = { announcement, modules: plugins.map((p) => ({ id: p.id, url: p.url, timestamp })) }
      environment.hot.send(HotEvents.remoteUpdate, update)
    },
    error(remote: string, announcement: CompileErrorAnnouncement): void {
      const plugins = pluginsOf(remote, announcement.plugins)
      if (plugins.length === 0) return
      const file = remoteFile(remote, announcement.file)
      const names = plugins.map((p) => pluginName(p.id, p.file)).join(', ')
      logger.error(`${LOG_PREFIX} ${file} does not compile; ${names} keep${plugins.length === 1 ? 's' : ''} running the previous version.\n${announcement.message}${announcement.frame ? `\n${announcement.frame}` : ''}`, { timestamp: true })
      const refused: CompileErrorAnnouncement = { ...announcement, file, plugins: plugins.map((p) => p.id) }
      environment.hot.send({ type: 'error', err: { message: `${names}: ${announcement.message}`, stack: '', ...(announcement.frame ? { frame: announcement.frame } : {}) } })
      environment.hot.send(HotEvents.error, refused)
    },
  }
}

/** Tells a remote what a page made of its plugins' batch (its terminal names the host): best effort, a remote that is down misses it. */
function reportToRemote(remote: string, result: BatchResult, origin: string): void {
  const prefix = `//${remoteName(remote)}/`
  const plugins = result.plugins.filter((p) => p.file.startsWith(prefix))
  if (plugins.length === 0) return
  const body = JSON.stringify({ ...result, plugins: plugins.map((p) => ({ ...p, file: p.file.slice(prefix.length) })) })
  void fetch(`${remote}/${EXPOSE_RESULTS_PATH}`, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json' }, body }).catch(() => {})
}

/** The origin of this app's pages, which the remote checks against its `expose.allowOrigins`. */
function ownOrigin(server: ViteDevServer): string {
  const address = server.httpServer?.address()
  const port = address !== null && typeof address === 'object' ? address.port : server.config.server.port
  const { host } = server.config.server
  const name = typeof host === 'string' && host !== '0.0.0.0' && host !== '::' ? (host.includes(':') ? `[${host}]` : host) : 'localhost'
  return server.config.server.origin ?? `${server.config.server.https ? 'https' : 'http'}://${name}:${port}`
}
