/**
 * `@hot-plugins/client/testing`: a plugin author's test kit. It runs a plugin in the real host and
 * the real hot engine — the same units the dev server's page runs — fed by an in-memory source,
 * in Node or a DOM environment (happy-dom, jsdom), and tells what each swap, rollback and reload
 * came to: state kept, leaks left behind.
 */
import type { HostCore } from '../host/core.js'
import { createPluginHost, type PluginHost } from '../host/host.js'
import { PLUGIN_HOST_EVENTS } from '../host/events.js'
import type { ContextOption, Logger, PluginModule } from '../host/types.js'
import { createEngine, type Engine } from '../engine/engine.js'
import { createPersistence } from '../engine/state/persistence.js'
import { createMemoryStore } from '../engine/state/stores.js'
import type { StateStore } from '../engine/state/state.js'
import { runtimeFiles } from '../leaks/site.js'
import { createLeakTracker, TRACKER_URL } from '../leaks/tracker.js'
import type { LeakWatch, LeakWatchOptions } from '../leaks/watch.js'
import { installLeakPatches } from '../browser/leaks/index.js'
import { DEFAULTS, type LeakMode } from '../protocol/index.js'
import { memorySource } from './memory-source.js'
import { leaksIn, loadResult, swapResult, type LoadResult, type RecordedEvent, type ReloadResult, type SwapResult } from './results.js'

export type { LoadResult, RecordedEvent, ReloadResult, SwapResult } from './results.js'
export type { Leak } from '../protocol/index.js'

export interface TestHostOptions<Ctx> {
  /** The host API handed to `activate(ctx)`: one object, or a function of the plugin's id and file. @default {} */
  context?: ContextOption<Ctx>
  /** The plugin's id. @default 'plugin' */
  id?: string
  /** The plugin's entry file, relative to the project root: leak sites are told relative to its folder. @default `src/plugins/<id>/index.ts` */
  file?: string
  /**
   * The leak report: `warn` reports (every result's `leaks`), `clean` also stops what was left,
   * `off` patches nothing. While a test host lives, the globals (timers, listeners…) are patched.
   * @default 'warn'
   */
  leaks?: LeakMode
  /** Where the host logs. @default kept in `host.logs`, not printed */
  logger?: Logger
  /**
   * The plugins this one depends on (`meta.dependsOn`), by id: they run in the same host, started
   * first, and stay as they are through its swaps (a reload starts them again).
   * @default {}
   */
  dependencies?: Record<string, PluginModule>
}

export interface TestHost {
  /** The public host the plugin runs in (after `reload()`: the new one). */
  readonly host: PluginHost
  /** Every event the host emitted, in order (across reloads). */
  readonly events: readonly RecordedEvent[]
  /** What the host logged (with the default logger). */
  readonly logs: readonly { level: 'info' | 'warn' | 'error'; message: string }[]
  /** Starts the plugin with `module` (its activate, and its saved state after a `reload`). */
  load(module: PluginModule): Promise<LoadResult>
  /** Swaps in `next` as a save would: state handed over, the old instance torn down. */
  swap(next: PluginModule): Promise<SwapResult>
  /** Swaps in a version that fails (`next`, else the running one with an `activate` that throws): the running version must come back, with its state. */
  rollback(next?: PluginModule): Promise<SwapResult>
  /** Saves the state, stops the host and starts a new one with `next` (else the running module), as a page reload does: its state restored, migrated by `migrateState` across a stateVersion change. */
  reload(next?: PluginModule): Promise<ReloadResult>
  /** Tears the plugin down and puts the globals back; resolves to the leaks of that teardown. */
  dispose(): Promise<SwapResult['leaks']>
}

let patched: { uninstall: () => void; users: number; options: Pick<LeakWatchOptions, 'tracker' | 'isRuntime'> } | undefined

/** The page's patches, shared by the test hosts alive at once. */
function acquireLeaks(mode: LeakMode): { options: LeakWatchOptions | undefined; release: () => void } {
  if (mode === 'off') return { options: undefined, release: () => {} }
  if (!patched) {
    const tracker = createLeakTracker()
    patched = { uninstall: installLeakPatches(tracker), users: 0, options: { tracker, isRuntime: runtimeFiles(TRACKER_URL) } }
  }
  patched.users += 1
  const mine = patched
  let released = false
  return {
    options: { ...mine.options, mode },
    release() {
      if (released) return
      released = true
      if (--mine.users === 0 && patched === mine) {
        mine.uninstall()
        patched = undefined
      }
    },
  }
}

interface Running {
  host: PluginHost
  core: HostCore
  engine: Engine
  source: ReturnType<typeof memorySource>
}

/** A host and engine for one plugin, on an in-memory source; reload() makes the next one on the same store. */
export function createTestHost<Ctx = unknown>(options: TestHostOptions<Ctx> = {}): TestHost {
  const id = options.id ?? 'plugin'
  const file = options.file ?? `src/plugins/${id}/index.ts`
  const logs: { level: 'info' | 'warn' | 'error'; message: string }[] = []
  const logger: Logger = options.logger ?? {
    info: (message) => void logs.push({ level: 'info', message }),
    warn: (message) => void logs.push({ level: 'warn', message }),
    error: (message) => void logs.push({ level: 'error', message }),
  }
  const events: RecordedEvent[] = []
  const leaks = acquireLeaks(options.leaks ?? DEFAULTS.leaks)
  const store = createMemoryStore()
  let batch = 0
  let module: PluginModule | undefined
  let running = open(false)

  function open(restore: boolean): Running & { module?: PluginModule } {
    const source = memorySource()
    const slot: Partial<Running> = { source }
    const persistence = createPersistence({ store: store as StateStore, restore })
    const dependencies = Object.entries(options.dependencies ?? {}).map(([dependency, loaded]) => {
      const path = `src/plugins/${dependency}/index.ts`
      return { id: dependency, file: path, url: `/${path}`, load: async () => loaded }
    })
    const entries = [...dependencies, { id, file, url: `/${file}`, load: async () => module! }]
    slot.engine = createEngine(entries, source.source, {
      persistence,
      ...(leaks.options ? { leaks: leaks.options } : {}),
      onAttach: (core) => void (slot.core = core),
    })
    slot.host = createPluginHost({ context: options.context, logger })
    for (const type of PLUGIN_HOST_EVENTS) slot.host.on(type, (payload) => events.push({ type, payload } as RecordedEvent))
    return slot as Running
  }

  /** Runs `action` and collects the events it caused, leak reports included. */
  const during = async (action: () => Promise<void>) => {
    const from = events.length
    await action()
    await (running.core?.leaks as LeakWatch | undefined)?.flush()
    return events.slice(from)
  }

  const swapIn = async (next: PluginModule) => {
    if (!module) throw new Error('testing: load(module) the plugin before you swap it')
    const number = ++batch
    let applied: Awaited<ReturnType<typeof running.source.applied>> | undefined
    const caused = await during(async () => {
      const waiting = running.source.applied(number)
      running.source.batch(number, { [id]: next }, [file])
      applied = await waiting
    })
    const record = running.core.records.get(id)
    const outcome = applied!.plugins.find((plugin) => plugin.id === id)!
    if (outcome.outcome === 'swapped') module = next
    return swapResult(outcome, caused.filter(about(id)), { owes: record?.owed !== undefined, runs: record?.module !== undefined })
  }

  return {
    get host() {
      return running.host
    },
    events,
    logs,
    async load(first) {
      module = first
      const caused = await during(async () => void (await running.host.start(running.engine.entries)))
      return loadResult(running.host.get(id), caused.filter(about(id)))
    },
    swap: swapIn,
    rollback: (next) => swapIn(next ?? failingVersionOf(module)),
    async reload(next) {
      if (!module) throw new Error('testing: load(module) the plugin before you reload it')
      await running.engine.saveState()
      const stopped = await during(() => running.host.stop())
      running = open(true)
      module = next ?? module
      const caused = (await during(async () => void (await running.host.start(running.engine.entries)))).filter(about(id))
      return { ...loadResult(running.host.get(id), caused), leaks: leaksIn([...stopped, ...caused].filter(about(id))) }
    },
    async dispose() {
      const caused = await during(() => running.host.stop())
      leaks.release()
      return leaksIn(caused.filter(about(id)))
    },
  }
}

/** Events of the plugin under test (its dependencies' own are in `host.events`). */
function about(id: string): (event: RecordedEvent) => boolean {
  return (event) => !('id' in event.payload) || event.payload.id === id || event.payload.id === undefined
}

/** The running version with an activate that throws: what a save with a bug in it brings. */
function failingVersionOf(module: PluginModule | undefined): PluginModule {
  return {
    ...module,
    activate() {
      throw new Error('a failing version (testing: rollback)')
    },
  }
}
