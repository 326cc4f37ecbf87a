/**
 * The dev-only entry of the client: imported by the `virtual:hot-plugins` module the dev server
 * generates, never by a production build. It composes the DOM-free core with the browser: state in
 * IndexedDB, the tab's id in sessionStorage.
 */
import { createHotRegistry as createCoreRegistry, type HotContextLike, type HotRegistry, type RegistryEntryInit } from './sources/vite-hmr.js'
import { consoleLogger } from './host/logger.js'
import { createPersistence } from './engine/state/persistence.js'
import { createRemoteControl } from './sources/remote-control.js'
import { storeByPluginName } from './sources/remote-dev-server.js'
import { createMemoryStore, createResilientStore } from './engine/state/stores.js'
import { storeOfSettledTab } from './engine/state/tab-handshake.js'
import { loadDevtools } from './browser/devtools-loader.js'
import { createIdbStore } from './browser/idb-store.js'
import { pageLeaks } from './browser/leaks/index.js'
import { lastGoodLoader } from './browser/last-good-loader.js'
import { prefetchModules } from './browser/module-prefetch.js'
import { pageClock } from './browser/page-clock.js'
import { offerReload } from './browser/reload-banner.js'
import { createTabSession } from './browser/session.js'
import { DEFAULT_REGISTRY_CONFIG, DEFAULTS, REGISTRY_HOT_DATA_KEY, type RegistryConfig } from './protocol/index.js'
import type { PluginModule } from './host/types.js'

export type { HotContextLike, HotRegistry, RegistryEntryInit } from './sources/vite-hmr.js'

/** Records older than this, of other tabs and sessions, are pruned at start. */
const PRUNE_AFTER_MS = 7 * 24 * 60 * 60 * 1000
/** At most this many records of other tabs and sessions are kept. */
const MAX_RECORDS = 500


export function createHotRegistry(
  inits: readonly RegistryEntryInit[],
  hot?: HotContextLike,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): HotRegistry {
  // A new version of the registry module (plugin entries created, deleted or moved): the registry
  // that runs, with its hosts, state and devtools, takes the new list.
  const running = hot?.data?.[REGISTRY_HOT_DATA_KEY] as HotRegistry | undefined
  if (running) {
    running.replaceEntries(inits, hot)
    return running
  }
  // Said in the page too, not only in the terminal: their plugins join once the remote is up.
  for (const problem of config.remoteProblems ?? []) consoleLogger.warn(problem)
  const session = createTabSession(config.project)
  const afterToolingReload = session.takeRestorePending()
  const { persist, restoreOnReload } = config.state
  const restore = persist && (restoreOnReload === 'always' || (restoreOnReload === 'auto' && afterToolingReload))

  let store = createMemoryStore()
  if (persist && typeof indexedDB === 'undefined') {
    consoleLogger.warn('IndexedDB is not available here; plugin state is kept in memory only and will not survive a page reload')
  } else if (persist) {
    // A tab the browser duplicated writes under its own id, once it knows it is one.
    const tabStore = storeOfSettledTab((tab) => createIdbStore(config.project, tab), session.tab, consoleLogger)
    store = createResilientStore(tabStore.store, consoleLogger)
    schedulePrune(() => tabStore.ready.then(() => tabStore.durable.prune(Date.now(), PRUNE_AFTER_MS, MAX_RECORDS)))
  }
  // The plugins now (the registry's list, kept current, once it exists): a remote's plugin's state is kept under its name with the remote.
  let entriesNow: readonly { id: string; file: string }[] = inits
  const persistence = createPersistence({ store: storeByPluginName(store, () => entriesNow), restore, prefetch: inits.map((init) => init.id) })
  const reloadedBecause = session.takeReloadReason()
  // With `overlay: false` the devtools' code is never fetched.
  const devtools = loadDevtools(config, (id) => registry.reloadNow(id))
  const remote = hot && createRemoteControl({ hot, tab: session.tab.settled.then(({ id }) => id), reloadNow: (id) => registry.reloadNow(id), elapsed: pageClock.elapsed })
  const registry = createCoreRegistry(inits, hot, {
    onAttach(core, host) {
      devtools?.attach(host)
      remote?.attach(host, core.logger)
    },
    // A new version of the registry module has its own hot context: commands come through it.
    onHotContext: (next) => remote?.connect(next),
    persistence,
    // After a reload the dev tools made, a plugin whose file fails at start runs its last good version.
    ...(afterToolingReload ? { lastGood: lastGoodLoader(config.base) } : {}),
    reloadDependents: config.reloadDependents ?? DEFAULTS.reloadDependents,
    // With `leaks: 'off'` nothing of the page is patched.
    leaks: pageLeaks(config.leaks ?? DEFAULTS.leaks),
    beforeToolingReload: session.markRestorePending,
    reloadedBecause,
    hotReloadSettings: {
      load: session.loadHotReloadSettings,
      save: session.saveHotReloadSettings,
      initial: { enabled: config.enabled, disabled: [] },
    },
    recovery: {
      retry: config.retry,
      fallback: config.fallback,
      failuresBeforeFallback: config.failuresBeforeFallback,
      // A remote dev server's plugin has an absolute URL; the app's own are under Vite's base.
      importModule: (url, query) => import(/* @vite-ignore */ `${url.startsWith('/') ? `${config.base}${url.slice(1)}` : url}?${query}`) as Promise<PluginModule>,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      rememberReloadReason: session.rememberReloadReason,
      reloadPage: () => location.reload(),
      offerReload: (reason) =>
        offerReload(reason, () => {
          session.rememberReloadReason(reason)
          session.markRestorePending()
          void registry.saveState().then(() => location.reload())
        }),
    },
    // A saved plugin's new modules are fetched while the dev server checks them.
    prefetch: prefetchModules,
    clearCompileErrorOverlay: () => {
      document.querySelectorAll('vite-error-overlay').forEach((overlay) => overlay.remove())
    },
  })
  entriesNow = registry.entries
  if (persist && restoreOnReload === 'always') saveAheadOfUserReloads(registry)
  if (hot?.data) hot.data[REGISTRY_HOT_DATA_KEY] = registry
  return registry
}

/** Quiet time after the last input before the state is saved. */
const SAVE_AFTER_INPUT_MS = 200

/**
 * A reload the user makes (F5) gives no warning Vite can relay, and a write started while the page
 * is torn down may be dropped. So state is saved shortly after every interaction; leaving the page
 * (beforeunload, pagehide, hidden) saves once more as a last chance.
 */
function saveAheadOfUserReloads(registry: HotRegistry): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const saveSoon = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void registry.saveState(), SAVE_AFTER_INPUT_MS)
  }
  for (const type of ['pointerup', 'keyup', 'input', 'change']) {
    addEventListener(type, saveSoon, { capture: true, passive: true })
  }
  const saveNow = () => void registry.saveState()
  addEventListener('beforeunload', saveNow)
  addEventListener('pagehide', saveNow)
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saveNow()
  })
}

function schedulePrune(prune: () => Promise<unknown>): void {
  const run = () => void prune().catch(() => {})
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 10_000 })
  else setTimeout(run, 5_000)
}
