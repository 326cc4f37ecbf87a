import { HotEvents, type CompileErrorAnnouncement, type PrefetchAnnouncement, type RemoteUpdate, type UpdateAnnouncement } from '../protocol/index.js'
import { createEngine, type Engine, type EngineOptions } from '../engine/engine.js'
import type { EntryDeclaration, UpdateSink, UpdateSource } from '../engine/update-source.js'
import type { PluginModule } from '../host/types.js'
import { receiveRemoteUpdate } from './remote-dev-server.js'

/** The part of Vite's `import.meta.hot` the source uses: the transport, injectable in tests. */
export interface HotContextLike {
  /** Vite awaits a listener's promise before it goes on (for a full reload: before reloading). */
  on(event: string, listener: (payload: any) => void | Promise<void>): void
  send(event: string, data?: any): void
  /** Kept across versions of the module that owns the context (the registry keeps itself there). */
  readonly data?: Record<string, unknown>
}

/** One entry as the generated registry module declares it. */
export type RegistryEntryInit = EntryDeclaration

export interface ViteHmrOptions {
  /**
   * Removes the error overlay a refused compile left. Vite reloads the page when its first update
   * finds an overlay (it takes it for a page that failed to load); ours must not count as that.
   */
  clearCompileErrorOverlay?: () => void
  /** Called with the hot context of each new version of the registry module (Vite drops the old one's listeners). */
  onHotContext?: (hot: HotContextLike) => void
  /**
   * Fetches, without running them, modules the dev server says a coming update will import (their
   * URLs with `?t=`), while it still checks them. Absent: nothing is fetched ahead.
   */
  prefetch?: (urls: readonly string[]) => void
  /** Imports a plugin of a remote dev server by its absolute URL, with a query. @default a dynamic import */
  importRemote?: (url: string, query: string) => Promise<PluginModule>
}

/** The update source over Vite's HMR channel, as the generated registry module drives it. */
export interface ViteHmrSource extends UpdateSource {
  /** The registry's accept callback: the new module, or undefined when Vite's import of it failed. */
  accept(id: string, module: PluginModule | undefined): void
  /** A new version of the registry module ran, with this list of entries and its own hot context. */
  replaceEntries(inits: readonly RegistryEntryInit[], hot?: HotContextLike): void
}

/** What Vite's `vite:beforeUpdate` carries (the part used). */
interface BeforeUpdate {
  updates?: { acceptedPath?: string; timestamp?: number }[]
}

/**
 * The engine's updates from Vite: the dev server's announcements and refused compiles, Vite's
 * timestamps of the new versions, the registry's accept callback, the entry list of each new
 * registry version, and the warnings Vite gives before it reloads the page (state is saved first).
 */
export function viteHmrSource(inits: readonly RegistryEntryInit[], hot: HotContextLike | undefined, options: ViteHmrOptions = {}): ViteHmrSource {
  let sink: UpdateSink | undefined
  let context = hot
  // Vite names updates by the URL of the module that accepts them.
  let idByUrl = new Map(inits.map((init) => [init.url, init.id]))
  // Vite's error overlay may be up: a refused compile, or a plugin module that failed to load.
  let overlayMayShow = false

  const beforeUpdate = (to: UpdateSink, payload: BeforeUpdate): void => {
    // Vite reloads a page whose first update finds an error overlay (taking it for a page that
    // failed to load), without saving state. An update of plugins only never needs that: the
    // overlay goes, as Vite's later updates clear it anyway. (A page reloaded while a plugin file
    // does not compile gets an overlay before its plugins have even started.)
    const updates = payload.updates ?? []
    const onlyPlugins = updates.length > 0 && updates.every((u) => u.acceptedPath !== undefined && idByUrl.has(u.acceptedPath))
    if (overlayMayShow || onlyPlugins) {
      overlayMayShow = false
      options.clearCompileErrorOverlay?.()
    }
    for (const update of updates) {
      const id = update.acceptedPath === undefined ? undefined : idByUrl.get(update.acceptedPath)
      if (id !== undefined) to.coming(id, update.timestamp)
    }
  }

  /** Listens on a hot context: the registry's first, then that of each new version of it. */
  const listen = (on: HotContextLike, to: UpdateSink): void => {
    // A listener that throws would cancel Vite's whole update: each one is guarded.
    on.on(HotEvents.update, (announcement: UpdateAnnouncement) => to.announced(announcement))
    on.on(HotEvents.error, (announcement: CompileErrorAnnouncement) => {
      overlayMayShow = true
      to.refused(announcement)
    })
    on.on(HotEvents.prefetch, (prefetch: PrefetchAnnouncement) => to.guard(() => options.prefetch?.(prefetch.urls)))
    on.on('vite:beforeUpdate', (payload: BeforeUpdate) => to.guard(() => beforeUpdate(to, payload)))
    // A remote dev server's plugins: the host's dev server relays their updates.
    on.on(HotEvents.remoteUpdate, (update: RemoteUpdate) =>
      to.guard(() =>
        receiveRemoteUpdate(update, to, {
          importModule: options.importRemote ?? ((url, query) => import(/* @vite-ignore */ `${url}?${query}`) as Promise<PluginModule>),
          onUpdate() {
            if (!overlayMayShow) return
            overlayMayShow = false
            options.clearCompileErrorOverlay?.()
          },
        }),
      ),
    )
    on.on('vite:beforeFullReload', to.saveBeforeReload)
    on.on('vite:ws:disconnect', to.saveBeforeReload)
  }

  return {
    connect(next) {
      sink = next
      if (context) listen(context, next)
    },
    batchApplied: (result) => context?.send(HotEvents.result, result),
    entriesApplied: () => context?.send(HotEvents.entriesApplied, {}),
    hostAttached(host) {
      // A plugin module that failed to load at start left Vite's error overlay (if it did not
      // compile): the next update must not take it for a page that failed to load, and reload it.
      const loadFailed = (e: { error: { phase: string } }) => void (e.error.phase === 'load' && (overlayMayShow = true))
      const offFailed = host.on('plugin-failed', loadFailed)
      const offLastGood = host.on('last-good-started', loadFailed)
      return () => {
        offFailed()
        offLastGood()
      }
    },
    accept: (id, module) => sink?.arrived(id, module),
    replaceEntries(next, nextHot) {
      if (nextHot && nextHot !== context) {
        context = nextHot
        if (sink) listen(nextHot, sink)
        options.onHotContext?.(nextHot)
      }
      sink?.guard(() => {
        idByUrl = new Map(next.map((init) => [init.url, init.id]))
        sink?.entriesChanged(next)
      })
    },
  }
}

/** The engine over Vite's HMR channel, as `@hot-plugins/client/hot` and the generated registry use it. */
export interface HotRegistry extends Engine {
  /** Called by the registry's accept callback: the new module, or undefined when its import failed. */
  accept(id: string, module: PluginModule | undefined): void
  /**
   * A new version of the registry module ran (plugin entries were created, deleted or moved): the
   * running hosts add, remove and relocate plugins to match, without a page reload. `hot` is the
   * new module's hot context (Vite drops the listeners of the old one).
   */
  replaceEntries(inits: readonly RegistryEntryInit[], hot?: HotContextLike): void
}

export interface HotRegistryOptions extends EngineOptions, ViteHmrOptions {}

/**
 * Creates the engine of a generated `virtual:hot-plugins` module. Vite imports and evaluates a new
 * plugin version, then calls the registry's accept callback, which calls `accept(id, module)`: the
 * swap runs on every host that started the plugin. The old instance is never touched before the
 * new module is in hand.
 */
export function createHotRegistry(inits: readonly RegistryEntryInit[], hot?: HotContextLike, options: HotRegistryOptions = {}): HotRegistry {
  const importModule = options.recovery?.importModule
  const source = viteHmrSource(inits, hot, importModule && !options.importRemote ? { ...options, importRemote: importModule } : options)
  const engine = createEngine(inits, source, options)
  return { ...engine, accept: source.accept, replaceEntries: source.replaceEntries }
}
