import {
  HotEvents,
  type ControlCommand,
  type LastReload,
  type TabPluginStatus,
  type TabStatusReport,
} from '../protocol/index.js'
import { describe } from '../host/errors.js'
import { PLUGIN_HOST_EVENTS } from '../host/events.js'
import type { HotContextLike } from '../engine/engine.js'
import type { HostCore } from '../host/core.js'
import type { PluginRecord } from '../host/records.js'
import { consoleLogger } from '../host/logger.js'

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
}

export interface RemoteControl {
  /** Hand to the registry's `onAttach`: reports this host's plugins to the dev server and obeys its commands. */
  attach(internals: HostCore): void
  /**
   * Goes on over another hot context: the registry module's new one when it runs again (Vite drops
   * the listeners of a module's previous context).
   */
  connect(hot: HotContextLike): void
}

/** Host events after which nothing a report carries has changed. */
const SILENT_EVENTS = new Set<string>(['state-restored', 'warning'])

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
  const hosts: HostCore[] = []
  const lastReloads = new Map<string, LastReload>()
  let dirty: Set<string> | 'all' | undefined
  const logger = () => hosts[0]?.logger ?? consoleLogger

  const flush = (): void => {
    // Reported in full once the tab's id is known.
    if (tab === undefined) return
    const changed = dirty
    dirty = undefined
    if (changed === undefined) return
    // A plugin that changed and is gone (its entry was deleted) is dropped by a full report.
    const full = changed === 'all' || [...changed].some((id) => !hosts.some((host) => host.records.has(id)))
    const seen = new Set<string>()
    const plugins: TabPluginStatus[] = []
    for (const host of hosts) {
      for (const record of host.records.values()) {
        if (seen.has(record.id) || (!full && !changed.has(record.id))) continue
        seen.add(record.id)
        plugins.push(statusOf(host, record, lastReloads.get(record.id)))
      }
    }
    const report: TabStatusReport = { tab, full, sentAt: wallClock(), plugins }
    try {
      hot.send(HotEvents.status, report)
    } catch (error) {
      logger().warn('could not report the plugins to the dev server', error)
    }
  }
  const changed = (id: string | undefined): void => {
    if (dirty === undefined) {
      dirty = new Set()
      void Promise.resolve().then(flush)
    }
    if (id === undefined) dirty = 'all'
    else if (dirty !== 'all') dirty.add(id)
  }

  const listen = (): void =>
    hot.on(HotEvents.command, (command: ControlCommand) => {
      try {
        obey(command)
      } catch (error) {
        logger().error(`the dev server's command ${describe(command)} failed`, error)
      }
    })
  if (typeof options.tab !== 'string') {
    void options.tab.then((id) => {
      tab = id
      if (dirty === undefined) return
      dirty = 'all'
      void Promise.resolve().then(flush)
    })
  }
  listen()
  const obey = (command: ControlCommand): void => {
    if (command?.action === 'reload' && typeof command.id === 'string') {
      if (!hosts.some((host) => host.records.has(command.id))) return
      logger().info(`reloading plugin "${command.id}", as the dev server asked`)
      options.reloadNow(command.id)
    } else if (command?.action === 'set-hot-reload' && typeof command.enabled === 'boolean') {
      const which = command.id === undefined ? 'every plugin' : `plugin "${command.id}"`
      logger().info(`turning hot reload ${command.enabled ? 'on' : 'off'} for ${which}, as the dev server asked`)
      for (const host of hosts) host.hotReload.set(command.id, command.enabled)
    } else {
      logger().warn(`ignored an unknown command from the dev server: ${describe(command)}`)
    }
  }

  return {
    attach(internals) {
      hosts.push(internals)
      const startedAt = new Map<string, number>()
      const ended = (id: string, reload: Omit<LastReload, 'at'>) => {
        const start = startedAt.get(id)
        startedAt.delete(id)
        const durationMs = reload.durationMs ?? (start === undefined ? undefined : Math.max(0, internals.now() - start))
        lastReloads.set(id, { ...reload, ...(durationMs === undefined ? {} : { durationMs }), at: wallClock() })
      }
      const { events } = internals
      events.on('reload-started', (e) => void startedAt.set(e.id, internals.now()))
      events.on('reload-completed', (e) => ended(e.id, { outcome: 'swapped', durationMs: e.durationMs }))
      events.on('reload-failed', (e) => ended(e.id, { outcome: e.outcome, error: e.error.message }))
      // A failed plugin activated by a save (not a start: no reload started for it).
      events.on('plugin-activated', (e) => {
        if (startedAt.has(e.id)) ended(e.id, { outcome: 'swapped', durationMs: e.durationMs })
      })
      for (const type of PLUGIN_HOST_EVENTS) {
        if (SILENT_EVENTS.has(type)) continue
        // Handlers run in subscription order: the ones above have recorded the reload by now.
        // `enabled-changed` without an id concerns every plugin.
        events.on(type, (e) => changed(e.id))
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

function statusOf(host: HostCore, record: PluginRecord, lastReload: LastReload | undefined): TabPluginStatus {
  const hotReload = host.hotReload.enabled(record.id)
  const status: TabPluginStatus = {
    id: record.id,
    file: record.file,
    // As `host.get(id).status` reads it.
    status: record.status === 'idle' && !hotReload ? 'disabled' : record.status,
    reloadCount: record.reloadCount,
    hotReload,
  }
  if (record.version !== undefined) status.version = record.version
  if (record.lastReloadMs !== undefined) status.lastReloadMs = record.lastReloadMs
  if (record.error !== undefined) status.error = record.error.message
  if (lastReload !== undefined) status.lastReload = lastReload
  if (record.lastGood !== undefined) status.lastGood = { ...record.lastGood }
  return status
}
