import {
  HotEvents,
  type ControlCommand,
  type LastReload,
  type TabPluginStatus,
  type TabStatusReport,
} from '../protocol/index.js'
import { describe } from '../host/errors.js'
import { PLUGIN_HOST_EVENTS } from '../host/events.js'
import type { HotContextLike } from './vite-hmr.js'
import type { PluginHost } from '../host/host.js'
import { consoleLogger } from '../host/logger.js'
import { later } from '../host/timers.js'
import type { Logger, PluginInfo } from '../host/types.js'

export interface RemoteControlOptions {
  /** The tab's channel to the dev server (Vite's `import.meta.hot`). */
  hot: HotContextLike
  /**
   * This tab's id, the same across its reloads; a promise while it is not known yet (a duplicated
   * tab takes its own): reports wait for it.
   */
  tab: string | PromiseLike<string>
  /** Imports a plugin's current entry again and swaps it in, as a save would (the registry's "reload now"). */
  reloadNow(id: string): void
  /**
   * The wall clock, in ms since the epoch: when a reload ended.
   * @default Date.now
   */
  now?: () => number
  /**
   * A clock in ms, monotonic where there is one: how long a reload that failed took (a completed
   * one says it itself).
   * @default Date.now
   */
  elapsed?: () => number
  /**
   * Reports closer together than this, in ms, are one: a lone change is reported at once (after its
   * microtask), and what changes within this time of a report waits for the next, which carries
   * all of it. A page starting 1,000 plugins sends a few reports, not one per plugin.
   * @default REPORT_EVERY_MS (50)
   */
  reportEveryMs?: number
  /**
   * Runs `task` after `ms`.
   * @default later (host/timers.ts: setTimeout)
   */
  setTimer?: (task: () => void, ms: number) => void
}

/** The default of {@link RemoteControlOptions.reportEveryMs}. */
export const REPORT_EVERY_MS = 50

/** What the remote control uses of a host: its events, its plugins and their hot-reload switch. */
export type RemoteHost = Pick<PluginHost, 'on' | 'plugins' | 'get' | 'isHotReloadEnabled' | 'enable' | 'disable' | 'setHotReloadEnabled'>

export interface RemoteControl {
  /**
   * Hand to the engine's `onAttach`: reports this host's plugins to the dev server and obeys its
   * commands. `logger` is the host's (the one dev-only thing beyond the public host it takes): what
   * it says about the dev server's commands goes where the host's own messages go.
   */
  attach(host: RemoteHost, logger?: Logger): void
  /**
   * Goes on over another hot context: the registry module's new one when it runs again (Vite drops
   * the listeners of a module's previous context).
   */
  connect(hot: HotContextLike): void
}

/** Vite's client's events for its socket closing and opening again. */
const VITE_WS_DISCONNECT = 'vite:ws:disconnect'
const VITE_WS_CONNECT = 'vite:ws:connect'

/** Host events after which nothing a report carries has changed. */
const SILENT_EVENTS = new Set<string>(['state-restored', 'warning', 'leak-detected'])

/**
 * The tab's side of the dev server's control API: it reports the status of its plugins (all of them
 * when a host attaches, then those that changed, at most once per microtask so a burst of events is
 * one message) and carries out the commands the server sends: reload a plugin, turn hot reload on
 * or off.
 */
export function createRemoteControl(options: RemoteControlOptions): RemoteControl {
  let tab = typeof options.tab === 'string' ? options.tab : undefined
  let hot = options.hot
  const wallClock = options.now ?? Date.now
  const elapsed = options.elapsed ?? Date.now
  const hosts: RemoteHost[] = []
  let hostLogger: Logger | undefined
  const lastReloads = new Map<string, LastReload>()
  let dirty: Set<string> | 'all' | undefined
  const logger = () => hostLogger ?? consoleLogger
  const runs = (id: string) => hosts.some((host) => host.get(id) !== undefined)
  const reportEveryMs = options.reportEveryMs ?? REPORT_EVERY_MS
  const setTimer = options.setTimer ?? ((task, ms) => void later(task, ms))
  let lastReportAt = Number.NEGATIVE_INFINITY

  // Vite's client has no public "connected" state: its events say when the socket goes and comes
  // back (a dev server restart). A send meanwhile fails; what changed waits for the connection.
  let connected = true
  const flush = (): void => {
    // Reported in full once the tab's id is known, and once connected.
    if (tab === undefined || !connected) return
    const changed = dirty
    dirty = undefined
    if (changed === undefined) return
    // A plugin that changed and is gone (its entry was deleted) is dropped by a full report.
    const full = changed === 'all' || [...changed].some((id) => !runs(id))
    const plugins = full ? everyPlugin(hosts, lastReloads) : changedPlugins(hosts, changed, lastReloads)
    const report: TabStatusReport = { tab, full, sentAt: wallClock(), plugins }
    lastReportAt = elapsed()
    try {
      hot.send(HotEvents.status, report)
    } catch (error) {
      logger().warn('could not report the plugins to the dev server', error)
    }
  }
  const changed = (id: string | undefined): void => {
    if (dirty === undefined) {
      dirty = new Set()
      const wait = lastReportAt + reportEveryMs - elapsed()
      if (wait > 0) setTimer(flush, wait)
      else void Promise.resolve().then(flush)
    }
    if (id === undefined) dirty = 'all'
    else if (dirty !== 'all') dirty.add(id)
  }

  const listen = (): void => {
    hot.on(HotEvents.command, (command: ControlCommand) => {
      try {
        obey(command)
      } catch (error) {
        logger().error(`the dev server's command ${describe(command)} failed`, error)
      }
    })
    hot.on(VITE_WS_DISCONNECT, () => void (connected = false))
    hot.on(VITE_WS_CONNECT, () => {
      if (connected) return
      connected = true
      // The dev server may be a new one, which knows nothing of this tab: everything, in full.
      changed(undefined)
      void Promise.resolve().then(flush)
    })
  }
  if (typeof options.tab !== 'string') {
    void options.tab.then((id) => {
      tab = id
      if (dirty === undefined) return
      dirty = 'all'
      void Promise.resolve().then(flush)
    })
  }
  listen()
  const obey = (command: ControlCommand): void => obeyCommand(command, { hosts, logger: logger(), runs, reloadNow: options.reloadNow })

  return {
    attach(host, logger) {
      hosts.push(host)
      hostLogger ??= logger
      recordLastReloads(host, lastReloads, elapsed, wallClock)
      for (const type of PLUGIN_HOST_EVENTS) {
        if (SILENT_EVENTS.has(type)) continue
        // Handlers run in subscription order: the ones above have recorded the reload by now.
        // `enabled-changed` without an id concerns every plugin.
        host.on(type, (e) => changed(e.id))
      }
      changed(undefined)
    },
    connect(next) {
      if (next === hot) return
      hot = next
      listen()
    },
  }
}

/** Every plugin of the tab's hosts (the first host's, of an id two hosts have). */
function everyPlugin(hosts: readonly RemoteHost[], lastReloads: ReadonlyMap<string, LastReload>): TabPluginStatus[] {
  const seen = new Set<string>()
  const plugins: TabPluginStatus[] = []
  for (const host of hosts) {
    for (const plugin of host.plugins()) {
      if (seen.has(plugin.id)) continue
      seen.add(plugin.id)
      plugins.push(statusOf(plugin, host.isHotReloadEnabled(plugin.id), lastReloads.get(plugin.id)))
    }
  }
  return plugins
}

/** The plugins that changed, each looked up by id (not a list of them all per report). */
function changedPlugins(hosts: readonly RemoteHost[], changed: ReadonlySet<string>, lastReloads: ReadonlyMap<string, LastReload>): TabPluginStatus[] {
  const plugins: TabPluginStatus[] = []
  for (const id of changed) {
    for (const host of hosts) {
      const plugin = host.get(id)
      if (!plugin) continue
      plugins.push(statusOf(plugin, host.isHotReloadEnabled(id), lastReloads.get(id)))
      break
    }
  }
  return plugins
}

/** Carries out one command of the dev server in every host of the tab. */
function obeyCommand(
  command: ControlCommand,
  tab: { hosts: readonly RemoteHost[]; logger: Logger; runs(id: string): boolean; reloadNow(id: string): void },
): void {
  const { logger } = tab
  if (command?.action === 'reload' && typeof command.id === 'string') {
    if (!tab.runs(command.id)) return
    logger.info(`reloading plugin "${command.id}", as the dev server asked`)
    tab.reloadNow(command.id)
  } else if (command?.action === 'set-hot-reload' && typeof command.enabled === 'boolean') {
    const which = command.id === undefined ? 'every plugin' : `plugin "${command.id}"`
    logger.info(`turning hot reload ${command.enabled ? 'on' : 'off'} for ${which}, as the dev server asked`)
    for (const host of tab.hosts) setHotReload(host, command.id, command.enabled)
  } else {
    logger.warn(`ignored an unknown command from the dev server: ${describe(command)}`)
  }
}

/** Keeps each plugin's last hot reload as this host's events tell it: outcome, duration, when it ended, whether a version runs after a failure. */
function recordLastReloads(host: RemoteHost, lastReloads: Map<string, LastReload>, elapsed: () => number, wallClock: () => number): void {
  const startedAt = new Map<string, number>()
  const ended = (id: string, reload: Omit<LastReload, 'at'>) => {
    const start = startedAt.get(id)
    startedAt.delete(id)
    const durationMs = reload.durationMs ?? (start === undefined ? undefined : Math.max(0, elapsed() - start))
    lastReloads.set(id, { ...reload, ...(durationMs === undefined ? {} : { durationMs }), at: wallClock() })
  }
  host.on('reload-started', (e) => void startedAt.set(e.id, elapsed()))
  host.on('reload-completed', (e) => ended(e.id, { outcome: 'swapped', durationMs: e.durationMs }))
  host.on('reload-failed', (e) => ended(e.id, { outcome: e.outcome, error: e.error.message, running: e.running }))
  // A failed plugin activated by a save (not a start: no reload started for it).
  host.on('plugin-activated', (e) => {
    if (startedAt.has(e.id)) ended(e.id, { outcome: 'swapped', durationMs: e.durationMs })
  })
}

function setHotReload(host: RemoteHost, id: string | undefined, enabled: boolean): void {
  if (id === undefined) host.setHotReloadEnabled(enabled)
  else if (enabled) host.enable(id)
  else host.disable(id)
}

function statusOf(plugin: PluginInfo, hotReload: boolean, lastReload: LastReload | undefined): TabPluginStatus {
  const status: TabPluginStatus = {
    id: plugin.id,
    file: plugin.file,
    // `host.plugins()` reads an idle plugin whose hot reload is off as `disabled`.
    status: plugin.status,
    reloadCount: plugin.reloadCount,
    hotReload,
  }
  if (plugin.version !== undefined) status.version = plugin.version
  if (plugin.lastReloadMs !== undefined) status.lastReloadMs = plugin.lastReloadMs
  if (plugin.error !== undefined) status.error = plugin.error.message
  if (lastReload !== undefined) status.lastReload = lastReload
  if (plugin.lastGood !== undefined) status.lastGood = { ...plugin.lastGood }
  return status
}
