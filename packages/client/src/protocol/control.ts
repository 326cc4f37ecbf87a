/** The dev server's control API and the tab status it answers from: paths, requests, answers. */
import type { BatchResult, PluginStatus, ReloadOutcome } from './events.js'

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

/**
 * The page Vite DevTools' dock shows (`GET ${base}__hot-plugins/devtools/`: the plugins and the
 * reload history), and the history it reads (`GET …/devtools/history`: {@link DockHistoryEntry}[]).
 */
export const DEVTOOLS_DOCK_PATH = `${CONTROL_PATH}devtools/`
/** The reload history the dock's page reads: {@link DockHistoryEntry}[]. */
export const DEVTOOLS_HISTORY_PATH = `${DEVTOOLS_DOCK_PATH}history`

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
  /** Set on a failure: whether a version of the plugin runs; false for one that never started (see `ReloadResult.running`). */
  running?: boolean
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
  /**
   * Every plugin the dev server found, then any other a tab reports; `tabs` is empty when no tab
   * runs it. `id` is the plugin's name, as the terminal names it: its id, with its dev server for a
   * remote's plugin (`charts@localhost:5174`); the commands take it.
   */
  plugins: { id: string; file: string; tabs: ControlTabPluginStatus[] }[]
}

/** The answer of `POST /__hot-plugins/reload`. */
export interface ControlReloadAnswer {
  /** The plugin's name, as the status lists it. */
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

/** A batch's outcome as a tab reported it, kept by the dev server for Vite DevTools' dock. */
export interface DockHistoryEntry extends BatchResult {
  /** When the dev server got it (ms since the epoch, the server's clock). */
  at: number
}
