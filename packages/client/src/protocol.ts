/**
 * Names shared by the Vite plugin (server) and the browser runtime: virtual ids, custom HMR event
 * names, injected export names and their payload types. Both packages import them from here, so a
 * name is spelled once.
 */

/** Prefix of every log line, in the terminal and in the browser console. */
export const LOG_PREFIX = '[hot-plugins]'

/** Base name of the Vite plugins that `hotPlugins()` returns. */
export const PLUGIN_NAME = 'hot-plugins'

/** The module the host app imports to get every discovered plugin entry. */
export const VIRTUAL_REGISTRY_ID = 'virtual:hot-plugins'

/** Rollup convention: a leading NUL marks a virtual module no other plugin should touch. */
export const RESOLVED_VIRTUAL_REGISTRY_ID = `\0${VIRTUAL_REGISTRY_ID}`

/** The client package, imported by the generated registry module in dev. */
export const CLIENT_PACKAGE = '@hot-plugins/client'

/** The dev-only entry of the client package: the hot-swap engine. Never part of a build. */
export const CLIENT_HOT_ENTRY = `${CLIENT_PACKAGE}/hot`

/** Where the registry keeps itself in `import.meta.hot.data`, for the next version of its module. */
export const REGISTRY_HOT_DATA_KEY = 'hot-plugins:registry'

/** The export the dev server appends to every plugin entry. */
export const INJECTED_META_EXPORT = '__hotPlugin'

/** Key (for `Symbol.for`) under which a registry entry carries its hot-update source in dev. */
export const HOT_SOURCE_SYMBOL_KEY = 'hot-plugins.hot-source'

/** IndexedDB database and object store that hold persisted plugin state. */
export const STATE_DB_NAME = 'hot-plugins'
export const STATE_STORE_NAME = 'plugin-state'

/** sessionStorage keys: this tab's id, and "restore state after this reload" per project. */
export const SESSION_TAB_KEY = 'hot-plugins:tab'
export const SESSION_RESTORE_KEY_PREFIX = 'hot-plugins:restore:'
/** BroadcastChannel over which a tab tells a duplicate of itself that it holds the tab id. */
export const TAB_CHANNEL_NAME = 'hot-plugins:tabs'
/** sessionStorage key: why this product reloaded the page, per project. */
export const SESSION_RELOAD_REASON_KEY_PREFIX = 'hot-plugins:reload-reason:'
/** sessionStorage key: which plugins hot reload is turned off for, per project. */
export const SESSION_HOT_RELOAD_KEY_PREFIX = 'hot-plugins:hot-reload:'

/** The element that offers a page reload after repeated failures (`fallback: 'hot-only'`). */
export const RELOAD_BANNER_TAG = 'hot-plugins-reload-banner'

/** The devtools panel (dev only): a custom element with an open shadow root. */
export const DEVTOOLS_PANEL_TAG = 'hot-plugins-devtools'
/** sessionStorage key of the reload history, per project: it survives the reloads we make. */
export const SESSION_HISTORY_KEY_PREFIX = 'hot-plugins:history:'
/** The keyboard shortcut that toggles the devtools panel (matched on `KeyboardEvent.code`). */
export const DEVTOOLS_SHORTCUT = { altKey: true, shiftKey: true, code: 'KeyH', label: 'Alt+Shift+H' } as const

/** The corner the devtools badge and panel sit in. */
export type OverlayPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'

/** The devtools panel as the browser gets it; `false`: no panel at all. */
export type OverlayConfig = false | { position: OverlayPosition; open: boolean }

export const DEFAULT_OVERLAY: Exclude<OverlayConfig, false> = { position: 'bottom-right', open: false }

/** When persisted state is given back at page load. */
export type RestoreOnReload = 'auto' | 'always' | 'never'

/** How failed imports of a new plugin version are retried (only failures that may pass: a failed fetch). */
export interface RetryPolicy {
  /** Retries after the first failure (0: none). */
  attempts: number
  /** Delay before the first retry, in ms. */
  initialDelayMs: number
  /** Longest delay between retries, in ms. */
  maxDelayMs: number
  /** Each delay is the previous one times this. */
  factor: number
  /** Spread of each delay, as a fraction of it (0.2: ±20%), so tabs do not retry in step. */
  jitter: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 100, maxDelayMs: 2_000, factor: 2, jitter: 0.2 }

/** What happens when one plugin fails to reload several times in a row. */
export type FallbackMode = 'reload' | 'hot-only'

/** What the dev server tells the browser runtime, through the generated registry module. */
export interface RegistryConfig {
  /** A hash of the Vite root: state of two projects on one origin never mixes. */
  project: string
  /** Vite's `base`, to import a plugin's new version again when retrying. */
  base: string
  retry: RetryPolicy
  /** `reload`: save state and reload the page once; `hot-only`: offer the reload instead. */
  fallback: FallbackMode
  /** Failures in a row of one plugin before the fallback (0: never). */
  failuresBeforeFallback: number
  /** Whether saves swap plugins in, until changed at runtime. */
  enabled: boolean
  state: {
    persist: boolean
    restoreOnReload: RestoreOnReload
  }
  /** The devtools panel; `false` mounts nothing. Absent: the default panel. */
  overlay?: OverlayConfig
  /** Whether the plugins depending on a swapped plugin stop and start again against it. Absent: true. */
  reloadDependents?: boolean
}

/** Custom HMR events. */
export const HotEvents = {
  /** server → browser: a batch of files changed that belong to these plugins; new modules follow. */
  update: 'hot-plugins:update',
  /** browser → server: the outcome of a batch, for the terminal log. */
  result: 'hot-plugins:result',
  /** server → browser: a changed plugin file does not compile; nothing else is sent. */
  error: 'hot-plugins:error',
  /** browser → server: the status of this tab's plugins ({@link TabStatusReport}), for the control API. */
  status: 'hot-plugins:status',
  /** server → browser: a command of the control API ({@link ControlCommand}), sent to one tab. */
  command: 'hot-plugins:command',
  /**
   * browser → server: this tab has applied a new set of plugin entries (removed plugins torn down,
   * added ones started); the dev server then prunes what only removed plugins imported (their styles).
   */
  entriesApplied: 'hot-plugins:entries-applied',
} as const

/** What the dev server appends to a plugin entry (`export const __hotPlugin = …`). */
export interface InjectedPluginMeta {
  /** The plugin id the registry knows the entry by. */
  id: string
  /** The entry file, relative to the Vite root. */
  file: string
  /** The entry's export names, as the server read them. */
  exports: string[]
}

/** Payload of {@link HotEvents.update}: a batch of changed files and the plugins that own them. */
export interface UpdateAnnouncement {
  /** The changed files, relative to the Vite root. */
  files: string[]
  /** Ids of the plugins whose entry is, or imports, one of those files. */
  plugins: string[]
  /** Vite's timestamp of the (first) change. */
  timestamp: number
  /**
   * The dev server's number for this batch: the page applies the new versions of all its plugins
   * at once, all or nothing, once every one has arrived.
   */
  batch?: number
  /** The change came in a storm of saves: no update follows now; the final content comes when it ends. */
  storm?: boolean
}

/** Payload of {@link HotEvents.error}: a changed file failed to transform on the dev server. */
export interface CompileErrorAnnouncement {
  /** The changed file, relative to the Vite root. */
  file: string
  /** Ids of the plugins that keep running their previous version. */
  plugins: string[]
  /** The error message, with the location when known (`file:line:column: message`). */
  message: string
  /** The code frame around the error, when the transform gave one. */
  frame?: string
}

/** Outcome of one plugin's hot reload. */
export type ReloadOutcome = 'swapped' | 'kept-old' | 'rolled-back'

/** Payload of {@link HotEvents.result}: what a batch did in the page (reported by one tab). */
export interface BatchResult {
  batch?: number
  plugins: ReloadResult[]
  /** From the change's arrival in the page until the whole batch ran. */
  durationMs: number
}

export interface ReloadResult {
  id: string
  file: string
  outcome: ReloadOutcome
  durationMs: number
  stateKept: boolean
  /** Set for a plugin restarted because `via`, a plugin it depends on, was swapped. */
  via?: string
  error?: string
}

/**
 * - `starting`: being imported and activated
 * - `idle`: running, nothing pending
 * - `reloading`: a new version is being swapped in
 * - `failed`: not running (its activation failed); the next good save activates it
 * - `rolled-back`: the last new version failed; the previous version runs
 * - `disabled`: hot reload is off for it: it keeps running its current code
 */
export type PluginStatus = 'starting' | 'idle' | 'reloading' | 'failed' | 'rolled-back' | 'disabled'

/**
 * Path segment of the dev server's control API, under Vite's `base`: `GET /__hot-plugins/status`,
 * `POST /__hot-plugins/reload`, `POST /__hot-plugins/hot-reload`.
 */
export const CONTROL_PATH = '__hot-plugins/'

/**
 * Where the dev server serves each plugin's last good version, under Vite's `base`:
 * `GET ${base}__hot-plugins/last-good/<id>` answers a {@link LastGoodManifest} (404: none kept);
 * the modules of that version are served under `${base}__hot-plugins/last-good/<id>/<at>/…`.
 */
export const LAST_GOOD_PATH = `${CONTROL_PATH}last-good/`

/** The answer of `GET ${base}__hot-plugins/last-good/<id>`. */
export interface LastGoodManifest {
  id: string
  /** When a tab last reported this version running well (ms since the epoch, the server's clock). */
  at: number
  /** The URL of the entry of that version, to import. */
  entry: string
}

/** `counter runs its last good version from 10:42:07; the file on disk fails: activate() threw: …` (page and terminal). */
export function describeLastGood(id: string, lastGood: LastGoodInfo): string {
  return `${id} runs its last good version from ${timeOfDay(lastGood.since)}; the file on disk fails: ${lastGood.error}`
}

/** `10:42:07`: the local time of day of `ms` (since the epoch). */
export function timeOfDay(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8)
}

/** The control API's endpoints, each under {@link CONTROL_PATH}. */
export const ControlEndpoints = {
  status: 'status',
  reload: 'reload',
  hotReload: 'hot-reload',
} as const

/** The dev server's terminal shortcut (`l` + enter) that lists the plugins as the tabs report them. */
export const CLI_SHORTCUT = { key: 'l', description: 'list hot plugins' } as const

/** A plugin's last hot reload as one tab saw it. */
export interface LastReload {
  outcome: ReloadOutcome
  /** From the new version's arrival to its outcome, in ms, when known. */
  durationMs?: number
  /** When it ended, in ms since the epoch (the dev server's clock in the control API's answers). */
  at: number
  /** Why it failed (outcomes other than `swapped`). */
  error?: string
}

/** One plugin of one tab, as the tab reports it. */
export interface TabPluginStatus {
  id: string
  /** The entry file, relative to the Vite root. */
  file: string
  status: PluginStatus
  /** The running version's `meta.version`. */
  version?: string
  /** Successful hot swaps since the page loaded. */
  reloadCount: number
  /** Duration of the last successful hot swap, in ms. */
  lastReloadMs?: number
  /** Whether saves swap this plugin in this tab (off for the plugin, or off for the whole tab). */
  hotReload: boolean
  /** The plugin's last error, cleared by its next success. */
  error?: string
  lastReload?: LastReload
  /**
   * Set while the tab runs the plugin's last good version because its file on disk fails at start:
   * since when that version is good (ms since the epoch) and why the file fails.
   */
  lastGood?: LastGoodInfo
}

/** Why and since when a plugin runs its last good version (its file on disk fails at start). */
export interface LastGoodInfo {
  /** When that version last ran well in a tab (ms since the epoch, the dev server's clock). */
  since: number
  /** Why the code on disk does not run, e.g. `activate() threw: …`. */
  error: string
}

/** Payload of {@link HotEvents.status}: what a tab tells the dev server about its plugins. */
export interface TabStatusReport {
  /** The tab's id (kept in sessionStorage: the same across the tab's reloads). */
  tab: string
  /** `true`: `plugins` is every plugin of the tab; `false`: only those that changed since the last report. */
  full: boolean
  /** The tab's clock when it sent this, in ms since the epoch: the server puts `lastReload.at` on its own clock. */
  sentAt: number
  plugins: TabPluginStatus[]
}

/** Payload of {@link HotEvents.command}: what the control API asks a tab to do. */
export type ControlCommand =
  /** Import the plugin's current entry again and swap it in, as a save would. */
  | { action: 'reload'; id: string }
  /** Turn hot reload on or off for one plugin, or (no id) for all: `host.enable`/`disable`/`setHotReloadEnabled`. */
  | { action: 'set-hot-reload'; id?: string; enabled: boolean }

/** One tab's view of a plugin in the answer of `GET /__hot-plugins/status`. */
export interface ControlTabPluginStatus extends Omit<TabPluginStatus, 'id' | 'file'> {
  /** The tab's id. */
  tab: string
}

/** The answer of `GET /__hot-plugins/status`. */
export interface ControlStatus {
  /** How many connected tabs report their plugins. */
  tabs: number
  /** Every plugin the dev server found, then any other a tab reports; `tabs` is empty when no tab runs it. */
  plugins: { id: string; file: string; tabs: ControlTabPluginStatus[] }[]
}

/** The answer of `POST /__hot-plugins/reload`. */
export interface ControlReloadAnswer {
  id: string
  /** How many tabs were asked to reload it. */
  tabs: number
}

/** The answer of `POST /__hot-plugins/hot-reload`. */
export interface ControlHotReloadAnswer {
  /** Absent: every plugin. */
  id?: string
  enabled: boolean
  /** How many tabs were told. */
  tabs: number
}

/** The body of every failed answer of the control API. */
export interface ControlError {
  error: string
}
