import { HOST_ATTACH_SYMBOL_KEY, HOT_SOURCE_SYMBOL_KEY } from '../protocol/index.js'
import { createHostCore, type HostCore, type HotSource } from './core.js'
import { PluginError } from './errors.js'
import type { PluginHostEvents } from './events.js'
import { consoleLogger } from './logger.js'
import { isRunning, newRecord, pluginInfo } from './records.js'
import { startInOrder, type Loaded } from './start-order.js'
import type { ContextOption, Logger, PluginEntry, PluginInfo } from './types.js'

export interface PluginHostOptions<Ctx> {
  /**
   * The host API handed to every plugin's `activate(ctx)`: one object shared by all plugins, or a
   * function called once per plugin (with its id and file) that returns that plugin's own.
   * @default {}
   */
  context?: ContextOption<Ctx>
  /**
   * Where the host logs.
   * @default the console, with a `[hot-plugins]` prefix
   */
  logger?: Logger
  /**
   * Whether saves swap plugins in at first (dev only; `host.setHotReloadEnabled` changes it).
   * @default true
   */
  hotReload?: boolean
  /**
   * The clock used for durations, in ms. Injectable for tests.
   * @default performance.now
   */
  now?: () => number
}

/** What `host.start` resolves to. */
export interface StartReport {
  /** Ids of the plugins that run. */
  active: string[]
  /** Plugins that failed to load or activate, with why. */
  failed: { id: string; error: PluginError }[]
}

export interface PluginHost {
  /**
   * Loads and activates plugins (usually the default export of `virtual:hot-plugins`). A plugin that
   * fails is reported and skipped; it never stops the others. Call once.
   */
  start(plugins: readonly PluginEntry[]): Promise<StartReport>
  /** Tears every plugin down and stops taking hot updates. */
  stop(): Promise<void>
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof PluginHostEvents>(event: K, handler: (payload: PluginHostEvents[K]) => void): () => void
  /** A snapshot of every plugin the host knows. */
  plugins(): PluginInfo[]
  /** A snapshot of one plugin, or undefined. */
  get(id: string): PluginInfo | undefined
  /**
   * Turns hot reload off for one plugin: it keeps running its current code, saves no longer swap
   * it (a full page reload still loads its latest code). In dev, the setting survives reloads.
   */
  disable(id: string): void
  /** Turns hot reload back on for one plugin. */
  enable(id: string): void
  /** Turns hot reload on or off for every plugin (per-plugin settings are kept). */
  setHotReloadEnabled(enabled: boolean): void
  /** Whether saves swap this plugin (or, without an id, whether hot reload is on at all). */
  isHotReloadEnabled(id?: string): boolean
  /**
   * Forgets the persisted state of one plugin, or of all (dev only; state is persisted only by the
   * dev server's hot runtime). The running plugins keep their state in memory.
   */
  clearState(id?: string): Promise<void>
}

const hotSourceKey = Symbol.for(HOT_SOURCE_SYMBOL_KEY)
const attachKey = Symbol.for(HOST_ATTACH_SYMBOL_KEY)

/**
 * Attaches a hot source to a host that may have started already (`followFeed` does): hidden from
 * the public type, so that the host's API stays the same in apps that never follow a feed.
 */
export function attachHotSource(host: PluginHost, source: HotSource): void {
  const attach = (host as { [attachKey]?: (source: HotSource) => void })[attachKey]
  if (!attach) throw new TypeError('followFeed(host): host must be a host made by createPluginHost()')
  attach(source)
}

function monotonicNow(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance
  return perf ? perf.now() : Date.now()
}

/** Creates the host that runs the app's plugins: a facade over its core (host/core.ts). */
export function createPluginHost<Ctx = unknown>(options: PluginHostOptions<Ctx> = {}): PluginHost {
  const contextOption = options.context ?? {}
  const core = createHostCore({
    logger: options.logger ?? consoleLogger,
    now: options.now ?? monotonicNow,
    hotReload: options.hotReload ?? true,
    context: (plugin) =>
      typeof contextOption === 'function' ? (contextOption as (plugin: { id: string; file: string }) => Ctx)(plugin) : contextOption,
  })
  const { records, hotReload } = core
  const attachedSources = new Map<HotSource, () => void>()
  let started = false
  const attach = (source: HotSource | undefined) => {
    if (source && !attachedSources.has(source)) attachedSources.set(source, source.attach(core, host))
  }

  const host: PluginHost = {
    async start(plugins) {
      if (started) throw new Error('host.start() was called twice; a host starts once')
      started = true
      const startedAt = core.now()
      attach((plugins as { [hotSourceKey]?: HotSource })[hotSourceKey])
      const { loads, duplicates } = loadAll(core, plugins, attach)
      // Every plugin is imported at once; they are activated one at a time, in dependency order.
      await core.enqueue(() => startInOrder(core, loads, startedAt))
      const all = [...records.values()]
      return {
        active: all.filter(isRunning).map((r) => r.id),
        failed: [
          ...all.filter((r) => r.status === 'failed').map((r) => ({ id: r.id, error: r.error as PluginError })),
          ...duplicates,
        ],
      }
    },

    async stop() {
      for (const detach of attachedSources.values()) detach()
      attachedSources.clear()
      await core.enqueue(async () => {
        for (const record of [...records.values()].reverse()) await core.stop(record)
        records.clear()
      })
    },

    disable: (id) => hotReload.set(id, false),
    enable: (id) => hotReload.set(id, true),
    setHotReloadEnabled: (enabled) => hotReload.set(undefined, enabled),
    isHotReloadEnabled: (id) => hotReload.enabled(id),
    clearState: async (id) => {
      await core.stateHooks?.clear(id)
    },
    on: (event, handler) => core.events.on(event, handler),
    plugins: () => [...records.values()].map((record) => pluginInfo(record, hotReload.enabled(record.id))),
    get: (id) => {
      const record = records.get(id)
      return record && pluginInfo(record, hotReload.enabled(id))
    },
  }
  Object.defineProperty(host, attachKey, { value: attach, enumerable: false })
  return host
}

/**
 * Registers every entry and starts importing it; an entry whose id is taken is refused (reported
 * as failed, never registered). Each entry's hot source, if any, attaches.
 */
function loadAll(
  core: HostCore,
  plugins: readonly PluginEntry[],
  attach: (source: HotSource | undefined) => void,
): { loads: Promise<Loaded>[]; duplicates: StartReport['failed'] } {
  const loads: Promise<Loaded>[] = []
  const duplicates: StartReport['failed'] = []
  for (const entry of plugins) {
    const record = newRecord(entry)
    const existing = core.records.get(entry.id)
    if (existing) {
      const reason = `another plugin has the same id (${existing.file}); rename a folder or set a distinct meta.id`
      const error = new PluginError(entry.id, entry.file, 'load', undefined, reason)
      core.fail(record, error)
      duplicates.push({ id: entry.id, error })
      continue
    }
    core.records.set(entry.id, record)
    loads.push(
      Promise.resolve()
        .then(() => entry.load())
        .then(
          (module): Loaded => ({ record, module }),
          (error: unknown): Loaded => ({ record, failure: new PluginError(record.id, record.file, 'load', error) }),
        ),
    )
    attach((entry as { [hotSourceKey]?: HotSource })[hotSourceKey])
  }
  return { loads, duplicates }
}
