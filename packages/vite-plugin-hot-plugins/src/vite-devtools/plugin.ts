import {
  CONTROL_PATH,
  ControlEndpoints,
  DEVTOOLS_DOCK_PATH,
  DEVTOOLS_HISTORY_PATH,
  HotEvents,
  LOG_PREFIX,
  PLUGIN_NAME,
  pluginName,
  type BatchResult,
  type ReloadResult,
  type TabStatusReport,
} from '@hot-plugins/client/protocol'
import path from 'node:path'
import type { Connect, Plugin } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { reloadInTabs, trackConnectedTabs, type ConnectedTabs } from '../control/connected-tabs.js'
import { baseFolder } from '../served-url.js'
import { dockPageHtml } from './dock-page.js'
import { createReloadLog } from './reload-log.js'

/**
 * The part of Vite DevTools' setup context (`devtools.setup(ctx)`, `@vitejs/devtools-kit` 0.8)
 * this uses; typed here so that an app without Vite DevTools needs none of its packages.
 */
export interface ViteDevtoolsContext {
  docks: { register(entry: { id: string; title: string; description: string; icon: string; type: 'iframe'; url: string; category: string }): unknown }
  commands: { register(command: DevtoolsCommand): unknown }
  messages: {
    add(entry: { id: string; message: string; description?: string; level: 'error' | 'warn'; category: string; filePosition?: { file: string }; notify: boolean }): Promise<unknown>
  }
}

interface DevtoolsCommand {
  id: string
  title: string
  category: string
  handler(): void
}

/** A Vite plugin with Vite DevTools' hook (the kit augments Vite's `Plugin` type with it). */
export type PluginWithDevtools = Plugin & { devtools: { setup(ctx: ViteDevtoolsContext): Promise<void> } }

/** The dock's id, and the category of its commands and messages. */
const CATEGORY = PLUGIN_NAME

/** A plug, inline: an icon set's name would be fetched from the network, which a dev machine may not reach. */
const ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#3ecf8e" stroke-width="2" stroke-linecap="round"><path d="M9 2v6M15 2v6M6 8h12v4a6 6 0 0 1-12 0zM12 18v4"/></svg>')}`

/**
 * Vite DevTools support: when the app runs Vite DevTools, a dock entry shows the plugins and the
 * reload history (the page at `__hot-plugins/devtools/`, which also works opened on its own), the
 * command palette gets "Reload plugin …" for each plugin, and a failed reload becomes a message.
 * Without Vite DevTools the hook is never called and nothing of it is loaded.
 */
export function viteDevtoolsPlugin(context: HotPluginsContext): PluginWithDevtools {
  const log = createReloadLog()
  let tabs: ConnectedTabs | undefined
  let devtools: ViteDevtoolsContext | undefined
  const commands = new Set<string>()

  const reload = (id: string) => {
    const targets = tabs ? reloadInTabs(tabs, id) : []
    if (targets.length === 0) {
      void devtools?.messages.add({ id: `${CATEGORY}:reload:${id}:${Date.now()}`, message: `${LOG_PREFIX} no connected tab runs plugin "${id}": nothing to reload`, level: 'warn', category: CATEGORY, notify: true })
    }
  }
  const addCommands = (ids: Iterable<string>) => {
    for (const id of ids) {
      if (!devtools || commands.has(id)) continue
      commands.add(id)
      devtools.commands.register({ id: `${CATEGORY}:reload:${id}`, title: `Reload plugin ${id}`, category: CATEGORY, handler: () => reload(id) })
    }
  }
  const reportFailures = (result: BatchResult) => {
    for (const plugin of result.plugins) {
      if (plugin.outcome === 'swapped' || !devtools) continue
      void devtools.messages.add({
        id: `${CATEGORY}:${result.batch ?? Date.now()}:${plugin.id}`,
        message: `plugin "${pluginName(plugin.id, plugin.file)}" failed to reload (${failureText(plugin)})`,
        ...(plugin.error ? { description: plugin.error } : {}),
        level: 'error',
        category: CATEGORY,
        // A remote plugin's file (`//host:port/…`) is no file of this project.
        ...(plugin.file.startsWith('//') ? {} : { filePosition: { file: path.resolve(context.root, plugin.file) } }),
        notify: true,
      })
    }
  }

  return {
    name: `${PLUGIN_NAME}:vite-devtools`,
    apply: 'serve',
    configureServer(server) {
      const hot = server.environments.client.hot
      tabs = trackConnectedTabs(hot)
      hot.on(HotEvents.result, (result: BatchResult) => {
        log.add(result)
        reportFailures(result)
      })
      hot.on(HotEvents.status, (report: TabStatusReport) => addCommands(report.plugins?.map((p) => p.id) ?? []))
      server.middlewares.use(dockMiddleware(server.config.base, () => log.entries()))
    },
    devtools: {
      async setup(ctx) {
        devtools = ctx
        context.viteDevtools = true
        ctx.docks.register({
          id: CATEGORY,
          title: 'Hot plugins',
          description: 'The UI plugins, their status in each tab, and every hot reload',
          icon: ICON,
          type: 'iframe',
          url: `${context.base}${DEVTOOLS_DOCK_PATH}`,
          category: 'app',
        })
        addCommands((await context.plugins()).map((p) => p.id))
      },
    },
  }
}

/** Serves the dock's page and the history it reads, under `${base}__hot-plugins/devtools/`. */
function dockMiddleware(base: string, history: () => unknown): Connect.NextHandleFunction {
  const root = baseFolder(base)
  const page = `${root}${DEVTOOLS_DOCK_PATH}`
  const historyUrl = `${root}${DEVTOOLS_HISTORY_PATH}`
  const html = dockPageHtml({ status: `${root}${CONTROL_PATH}${ControlEndpoints.status}`, history: historyUrl })
  return (req, res, next) => {
    const url = req.url?.split('?')[0]
    if (req.method !== 'GET' || (url !== page && url !== historyUrl)) return next()
    const json = url === historyUrl
    res.setHeader('content-type', json ? 'application/json' : 'text/html; charset=utf-8')
    res.setHeader('cache-control', 'no-store')
    res.end(json ? JSON.stringify(history()) : html)
  }
}

/** What a failed reload left running, as the message says it: nothing, for a plugin that never started. */
function failureText(result: Pick<ReloadResult, 'outcome' | 'running'>): string {
  if (result.running === false) return 'it is not running: no version of it started'
  return result.outcome === 'rolled-back' ? 'rolled back' : 'the old version keeps running'
}
