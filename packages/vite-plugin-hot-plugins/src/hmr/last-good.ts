import {
  HotEvents,
  LAST_GOOD_PATH,
  LOG_PREFIX,
  describeLastGood,
  type BatchResult,
  type LastGoodManifest,
  type TabStatusReport,
} from '@hot-plugins/client/protocol'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ViteDevServer } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { collectSnapshot, graphUrl, rewriteSnapshotModule, type SnapshotModules } from './last-good-snapshot.js'

/** One version of a plugin that a tab ran well. */
export interface LastGoodSnapshot {
  at: number
  /** The entry's URL (the first of `modules`). */
  entry: string
  modules: SnapshotModules
}

export interface LastGoodOptions {
  /** Vite's `base`. */
  base: string
  /** The code of a plugin's entry and helpers as the dev server serves them now (undefined: not at hand). */
  capture(id: string): Promise<SnapshotModules | undefined>
  now?: () => number
  /** Where "runs its last good version" is said. */
  warn(message: string): void
}

export interface LastGoodVersions {
  /** A batch of these plugins' changes is announced: their code now is the version the tabs will run. */
  announced(batch: number, plugins: readonly string[]): void
  /** What a tab reported of a batch ({@link HotEvents.result}). */
  reported(result: BatchResult): void
  /** What a tab reported of its plugins ({@link HotEvents.status}). */
  status(report: TabStatusReport): void
  /** The last good version of a plugin, if one is kept. */
  get(id: string): LastGoodSnapshot | undefined
  /** Connect middleware: serves the manifests and modules under `${base}__hot-plugins/last-good/`. */
  middleware(req: IncomingMessage, res: ServerResponse, next: () => void): void
}

/** Announced batches whose outcome is still awaited; older ones are forgotten. */
const OPEN_BATCHES = 20
/** Versions kept per plugin: a page importing one while a newer one is kept still gets all its modules. */
const VERSIONS_KEPT = 3

/**
 * Keeps, per plugin, the code of the last version a tab ran well (its entry and own helpers, as the
 * dev server transformed them): the version the tabs were sent with a batch the tab reported as
 * swapped, or the version a tab started with. A page reloaded by the dev tools runs it when the
 * file on disk fails at start; it is served under `${base}__hot-plugins/last-good/<id>`.
 */
export function createLastGoodVersions(options: LastGoodOptions): LastGoodVersions {
  const now = options.now ?? Date.now
  const pendingBatches = new Map<number, Map<string, Promise<SnapshotModules | undefined>>>()
  const kept = new Map<string, LastGoodSnapshot[]>()
  const announcedRunning = new Set<string>()

  const keep = async (id: string, capture: Promise<SnapshotModules | undefined> | undefined) => {
    const modules = await capture
    const entry = modules?.keys().next().value
    if (!modules || entry === undefined) return
    const versions = kept.get(id) ?? []
    kept.set(id, [{ at: now(), entry, modules }, ...versions].slice(0, VERSIONS_KEPT))
  }
  const prefixOf = (id: string, at: number) => `${options.base}${LAST_GOOD_PATH}${encodeURIComponent(id)}/${at}`

  const serve = async (url: string, res: ServerResponse): Promise<boolean> => {
    const [rawId = '', rawAt] = (url.split('?', 1)[0] ?? '').split('/', 2)
    const id = decodeURIComponent(rawId)
    const versions = kept.get(id)
    if (rawAt === undefined) {
      const latest = versions?.[0]
      if (!latest) return answer(res, 404, 'application/json', JSON.stringify({ error: `no last good version of plugin "${id}" is kept` }))
      const manifest: LastGoodManifest = { id, at: latest.at, entry: `${prefixOf(id, latest.at)}${latest.entry}` }
      return answer(res, 200, 'application/json', JSON.stringify(manifest))
    }
    const version = versions?.find((v) => String(v.at) === rawAt)
    // The page's dynamic import adds Vite's `?import`.
    const moduleUrl = graphUrl(url.slice(rawId.length + rawAt.length + 1), '/')
    const code = version?.modules.get(moduleUrl)
    if (!version || code === undefined) return false
    const own = new Set(version.modules.keys())
    return answer(res, 200, 'text/javascript', await rewriteSnapshotModule(code, prefixOf(id, version.at), own, options.base))
  }

  const prefix = `${options.base}${LAST_GOOD_PATH}`
  return {
    announced(batch, plugins) {
      const captures = new Map(plugins.map((id) => [id, options.capture(id)]))
      pendingBatches.set(batch, captures)
      for (const old of [...pendingBatches.keys()].slice(0, -OPEN_BATCHES)) pendingBatches.delete(old)
    },
    reported(result) {
      const captures = result.batch === undefined ? undefined : pendingBatches.get(result.batch)
      // A batch already reported by another tab, or too old: its code is not at hand any more.
      if (result.batch !== undefined && !captures) return
      for (const plugin of result.plugins ?? []) {
        if (plugin.outcome !== 'swapped') continue
        // Without a batch (a "reload now", a retried import), the version is the one served now.
        void keep(plugin.id, captures ? captures.get(plugin.id) : options.capture(plugin.id))
      }
      if (result.batch !== undefined) pendingBatches.delete(result.batch)
    },
    status(report) {
      for (const plugin of report.plugins ?? []) {
        const key = `${report.tab}\0${plugin.id}`
        if (plugin.lastGood) {
          const said = `${key}\0${plugin.lastGood.since}`
          if (!announcedRunning.has(said)) {
            announcedRunning.add(said)
            options.warn(`${LOG_PREFIX} ${describeLastGood(plugin.id, plugin.lastGood)}; the next good save replaces it`)
          }
          continue
        }
        // The version a tab started with counts until a batch brings another.
        if (plugin.status === 'idle' && !kept.has(plugin.id)) void keep(plugin.id, options.capture(plugin.id))
      }
    },
    get: (id) => kept.get(id)?.[0],
    middleware(req, res, next) {
      const url = req.url ?? ''
      if (!url.startsWith(prefix) || (req.method !== 'GET' && req.method !== 'HEAD')) return next()
      serve(url.slice(prefix.length), res).then(
        (served) => {
          if (!served) answer(res, 404, 'text/plain', 'no such module in the kept versions')
        },
        (error: unknown) => answer(res, 500, 'text/plain', String(error)),
      )
    },
  }
}

function answer(res: ServerResponse, status: number, type: string, body: string): true {
  res.statusCode = status
  res.setHeader('Content-Type', type)
  // A page reloaded later must ask again: the kept version changes.
  res.setHeader('Cache-Control', 'no-store')
  res.end(body)
  return true
}

/**
 * Keeps every plugin's last good version on this dev server and serves it; returns what the batcher
 * calls when it announces a batch. Call before the control API is mounted (its paths are under ours).
 */
export function attachLastGood(server: ViteDevServer, context: HotPluginsContext): Pick<LastGoodVersions, 'announced'> {
  const environment = server.environments.client
  const versions = createLastGoodVersions({
    base: server.config.base,
    warn: (message) => server.config.logger.warn(message, { timestamp: true }),
    async capture(id) {
      await context.plugins()
      // Looked up by id, not in the list: a tab's first status report asks for every plugin.
      const plugin = context.pluginById(id)
      const nodes = plugin ? [...(environment.moduleGraph.getModulesByFile(plugin.absFile) ?? [])] : []
      const entry = nodes.find((node) => node.url === plugin?.url) ?? nodes[0]
      if (!entry) return undefined
      return collectSnapshot(entry, {
        isOtherEntry: (node) => node.file !== null && context.entryByFile(node.file) !== undefined,
        transform: (url) => environment.transformRequest(url),
      })
    },
  })
  environment.hot.on(HotEvents.result, (result: BatchResult) => versions.reported(result))
  environment.hot.on(HotEvents.status, (report: TabStatusReport) => versions.status(report))
  server.middlewares.use(versions.middleware)
  return versions
}
