import { HOT_SOURCE_SYMBOL_KEY } from '../protocol/index.js'
import { Emitter } from './emitter.js'
import { PluginError } from './errors.js'
import type { PluginHostEvents } from './events.js'
import type { GiveState, HostInternals, HotSource, PluginRecord } from './internals.js'
import { consoleLogger } from './logger.js'
import { dependsOnOf } from '../graph/dependencies.js'
import { startLastGood } from './last-good.js'
import type { TakenState } from '../engine/state/handoff.js'
import { orderByDependencies } from '../graph/order.js'
import { createTaskQueue } from './queue.js'
import type {
  ContextOption,
  HotReloadSettings,
  Logger,
  PluginEntry,
  PluginInfo,
  PluginModule,
  Teardown,
} from './types.js'

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

/** A plugin's module as `host.start` imported it, or why it did not load. */
type Loaded = { record: PluginRecord; module: PluginModule } | { record: PluginRecord; failure: PluginError }

function monotonicNow(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance
  return perf ? perf.now() : Date.now()
}

function newRecord(entry: { id: string; file: string }): PluginRecord {
  return {
    id: entry.id,
    file: entry.file,
    status: 'starting',
    version: undefined,
    reloadCount: 0,
    lastReloadMs: undefined,
    error: undefined,
    module: undefined,
    teardown: undefined,
    context: undefined,
    owed: undefined,
    lastGood: undefined,
  }
}

function snapshot(record: PluginRecord, internals: HostInternals): PluginInfo {
  const { id, file, version, reloadCount, lastReloadMs, error, lastGood } = record
  const status = record.status === 'idle' && !internals.hotReloadEnabled(id) ? 'disabled' : record.status
  return { id, file, status, version, reloadCount, lastReloadMs, error, ...(lastGood ? { lastGood: { ...lastGood } } : {}) }
}

/** Creates the host that runs the app's plugins. */
export function createPluginHost<Ctx = unknown>(options: PluginHostOptions<Ctx> = {}): PluginHost {
  const logger = options.logger ?? consoleLogger
  const now = options.now ?? monotonicNow
  const events = new Emitter<PluginHostEvents>(logger)
  const records = new Map<string, PluginRecord>()
  const enqueue = createTaskQueue()
  const attachedSources = new Map<HotSource, () => void>()
  let started = false

  const makeContext = (record: PluginRecord): unknown => {
    const context = options.context ?? {}
    return typeof context === 'function'
      ? (context as (plugin: { id: string; file: string }) => Ctx)({ id: record.id, file: record.file })
      : context
  }

  const warn = (record: PluginRecord, message: string, error?: unknown): void => {
    logger.warn(`plugin "${record.id}" (${record.file}): ${message}`, error)
    events.emit('warning', { id: record.id, file: record.file, message, error })
  }

  const activate = async (record: PluginRecord, module: PluginModule): Promise<Teardown | undefined> => {
    if (typeof module.activate !== 'function') {
      throw new PluginError(record.id, record.file, 'activate', undefined, 'the module has no activate() export')
    }
    let result: unknown
    try {
      record.context ??= makeContext(record)
      result = await module.activate(record.context)
    } catch (error) {
      throw new PluginError(record.id, record.file, 'activate', error)
    }
    if (result !== undefined && typeof result !== 'function') {
      warn(record, `activate() returned a ${typeof result}; return a teardown function or nothing`)
    }
    return typeof result === 'function' ? (result as Teardown) : undefined
  }

  const deactivate = async (
    record: PluginRecord,
    module: PluginModule,
    teardown: Teardown | undefined,
  ): Promise<void> => {
    for (const step of [teardown, module.deactivate?.bind(module)]) {
      if (!step) continue
      try {
        await step()
      } catch (error) {
        const failure = new PluginError(record.id, record.file, 'deactivate', error)
        warn(record, `${failure.reason} (it may leave timers or listeners behind)`, error)
      }
    }
  }

  let hotReloadOn = options.hotReload ?? true
  const disabled = new Set<string>()
  const settings = (): HotReloadSettings => ({ enabled: hotReloadOn, disabled: [...disabled] })
  const skippedWhileOff = new Set<string>()
  const parked = new Map<string, { module: PluginModule; state?: TakenState }>()
  const setHotReload = (id: string | undefined, enabled: boolean) => {
    if (id === undefined ? hotReloadOn === enabled : disabled.has(id) !== enabled) return
    if (id === undefined) hotReloadOn = enabled
    else if (enabled) disabled.delete(id)
    else disabled.add(id)
    internals.onHotReloadSettingsChanged?.(settings())
    events.emit('enabled-changed', { id, enabled })
    // Saves made while it was off apply now.
    const resumed = [...skippedWhileOff].filter((skipped) => internals.hotReloadEnabled(skipped))
    for (const skipped of resumed) skippedWhileOff.delete(skipped)
    if (resumed.length > 0) internals.onHotReloadResumed?.(resumed)
  }

  const internals: HostInternals = {
    records,
    events,
    logger,
    now,
    enqueue,
    activate,
    deactivate,
    warn,
    stateHooks: undefined,
    lastGood: undefined,
    hotReloadEnabled: (id) => hotReloadOn && !disabled.has(id),
    hotReloadSettings: settings,
    applyHotReloadSettings(next) {
      hotReloadOn = next.enabled
      disabled.clear()
      for (const id of next.disabled) disabled.add(id)
    },
    onHotReloadSettingsChanged: undefined,
    setHotReload,
    skippedWhileOff,
    onHotReloadResumed: undefined,
    register(entry) {
      const record = newRecord(entry)
      records.set(entry.id, record)
      return record
    },
    unregister(id) {
      records.delete(id)
      parked.delete(id)
    },
    startPlugin: (record, module, startedAt, giveState) => startOne(record, module, startedAt, giveState),
    fail: (record, error) => fail(record, error),
    parked,
    departed: new Map(),
  }

  const startOne = async (
    record: PluginRecord,
    module: PluginModule,
    startedAt: number,
    giveState?: GiveState,
    /** At `host.start`: a plugin whose code fails runs its last good version, if there is one. */
    boot = false,
  ): Promise<boolean> => {
    try {
      record.teardown = await activate(record, module)
    } catch (error) {
      if (boot && (await startLastGood(internals, record, error as PluginError, startedAt))) return true
      fail(record, error as PluginError)
      return false
    }
    record.module = module
    record.version = module.meta?.version
    parked.delete(record.id)
    // The state it had before it stopped (given by the hot engine), or the state saved for it.
    const refused = await (giveState ?? internals.stateHooks?.restore)?.(record, module)
    if (boot && refused) {
      // It would run without its saved state: its last good version takes that state instead.
      const failure = new PluginError(record.id, record.file, 'set-state', refused.error)
      if (await startLastGood(internals, record, failure, startedAt)) return true
    }
    record.status = 'idle'
    record.error = undefined
    events.emit('plugin-activated', {
      id: record.id,
      file: record.file,
      version: record.version,
      durationMs: now() - startedAt,
    })
    return true
  }

  /**
   * Activates plugins in list order as their modules arrive (activation overlaps the other
   * imports), each only once the plugins it depends on (`meta.dependsOn`) run; a plugin still
   * waiting on a dependency is deferred, and the deferred ones are ordered once every module is in
   * (a missing dependency or a cycle is reported then).
   */
  const startInOrder = async (
    loads: readonly Promise<Loaded>[],
    startedAt: number,
  ) => {
    const deferred: { record: PluginRecord; module: PluginModule }[] = []
    for (const load of loads) {
      const loaded = await load
      if ('failure' in loaded) {
        // Its module did not load: its last good version runs instead, if there is one.
        if (!(await startLastGood(internals, loaded.record, loaded.failure, startedAt))) fail(loaded.record, loaded.failure)
        continue
      }
      const deps = dependsOnOf(loaded.module)
      if (deps.every((dep) => records.get(dep)?.status === 'idle' && records.get(dep)?.module)) {
        await startOne(loaded.record, loaded.module, startedAt, undefined, true)
      } else {
        deferred.push(loaded)
      }
    }
    if (deferred.length === 0) return
    const byId = new Map(deferred.map((l) => [l.record.id, l]))
    // Plugins already settled (running or failed) count as present; whether they run is checked below.
    const settled = [...records.values()].filter((r) => !byId.has(r.id))
    const { order, blocked } = orderByDependencies([
      ...settled.map((r) => ({ id: r.id, dependsOn: [] as string[] })),
      ...deferred.map(({ record, module }) => ({ id: record.id, dependsOn: dependsOnOf(module) })),
    ])
    for (const [id, reason] of blocked) {
      const waiting = byId.get(id)
      if (!waiting) continue
      // Kept aside: it starts once what it needs runs (a plugin added later, a fixed cycle).
      parked.set(id, { module: waiting.module })
      fail(waiting.record, new PluginError(id, waiting.record.file, 'activate', undefined, `not activated: ${reason}`))
    }
    for (const id of order) {
      const waiting = byId.get(id)
      if (!waiting) continue
      const { record, module } = waiting
      const down = dependsOnOf(module).find((dep) => records.get(dep)?.status === 'failed')
      if (down !== undefined) {
        parked.set(id, { module })
        fail(record, new PluginError(id, record.file, 'activate', undefined, `not activated: it depends on "${down}", which failed to start`))
        continue
      }
      await startOne(record, module, startedAt, undefined, true)
    }
  }

  const fail = (record: PluginRecord, error: PluginError): void => {
    record.status = 'failed'
    record.error = error
    logger.error(error.message, error.cause)
    events.emit('plugin-failed', { id: record.id, file: record.file, error })
  }

  const host: PluginHost = {
    async start(plugins) {
      if (started) throw new Error('host.start() was called twice; a host starts once')
      started = true
      const startedAt = now()
      const loads: Promise<Loaded>[] = []
      const duplicates: StartReport['failed'] = []
      const attach = (source: HotSource | undefined) => {
        if (source && !attachedSources.has(source)) attachedSources.set(source, source.attach(internals, host))
      }
      attach((plugins as { [hotSourceKey]?: HotSource })[hotSourceKey])
      for (const entry of plugins) {
        const record = newRecord(entry)
        const existing = records.get(entry.id)
        if (existing) {
          const error = new PluginError(
            entry.id,
            entry.file,
            'load',
            undefined,
            `another plugin has the same id (${existing.file}); rename a folder or set a distinct meta.id`,
          )
          fail(record, error)
          duplicates.push({ id: entry.id, error })
          continue
        }
        records.set(entry.id, record)
        // Import every plugin at once; activate them one at a time, in dependency order.
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
      await enqueue(() => startInOrder(loads, startedAt))
      const all = [...records.values()]
      return {
        active: all.filter((r) => r.status === 'idle').map((r) => r.id),
        failed: [
          ...all.filter((r) => r.status === 'failed').map((r) => ({ id: r.id, error: r.error as PluginError })),
          ...duplicates,
        ],
      }
    },

    async stop() {
      for (const detach of attachedSources.values()) detach()
      attachedSources.clear()
      await enqueue(async () => {
        for (const record of [...records.values()].reverse()) {
          if (record.module) await deactivate(record, record.module, record.teardown)
          record.module = undefined
          record.teardown = undefined
        }
        records.clear()
      })
    },

    disable: (id) => setHotReload(id, false),
    enable: (id) => setHotReload(id, true),
    setHotReloadEnabled: (enabled) => setHotReload(undefined, enabled),
    isHotReloadEnabled: (id) => (id === undefined ? hotReloadOn : internals.hotReloadEnabled(id)),
    clearState: async (id) => {
      await internals.stateHooks?.clear(id)
    },
    on: (event, handler) => events.on(event, handler),
    plugins: () => [...records.values()].map((record) => snapshot(record, internals)),
    get: (id) => {
      const record = records.get(id)
      return record && snapshot(record, internals)
    },
  }
  return host
}
