/** The custom HMR events between the dev server and the page, and their payloads. */
/** Custom HMR events. */
export const HotEvents = {
  /** server → browser: a batch of files changed that belong to these plugins; new modules follow. */
  update: 'hot-plugins:update',
  /** browser → server: the outcome of a batch, for the terminal log. */
  result: 'hot-plugins:result',
  /** server → browser: a changed plugin file does not compile; no update follows, the old plugins keep running. */
  error: 'hot-plugins:error',
  /**
   * server → browser: a plugin file was saved and is being checked; the page may fetch (not run)
   * these modules of its coming update now ({@link PrefetchAnnouncement}). Sent only for an update
   * of at most 4 modules (a larger one is fetched after the update, as without it).
   */
  prefetch: 'hot-plugins:prefetch',
  /** browser → server: the status of this tab's plugins ({@link TabStatusReport}), for the control API. */
  status: 'hot-plugins:status',
  /** server → browser: a command of the control API ({@link ControlCommand}), sent to one tab. */
  command: 'hot-plugins:command',
  /**
   * browser → server: this tab has applied a new set of plugin entries (removed plugins torn down,
   * added ones started); the dev server then prunes what only removed plugins imported (their styles).
   */
  entriesApplied: 'hot-plugins:entries-applied',
  /**
   * server → browser: a remote dev server's plugins changed ({@link RemoteUpdate}); the host's dev
   * server relays it, and the page imports their new versions from the remote.
   */
  remoteUpdate: 'hot-plugins:remote-update',
} as const

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

/**
 * Payload of {@link HotEvents.prefetch}: the URLs, `?t=` included, by which the page will import the
 * new modules of a save if it passes its compile check. The dev server answers their requests once
 * the update went out (or with an empty module, never imported, if it does not); a module preload
 * puts them in the page's module map, parsed and not run, and Vite's own import takes them there.
 */
export interface PrefetchAnnouncement {
  urls: string[]
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
  /**
   * Set on a failure: whether a version of the plugin runs (its old one, or the one rolled back
   * to). False for a plugin that never started: nothing of it runs, so it did not "keep its old
   * version" whatever `outcome` says. (The `running` of the host's `reload-failed` event.)
   */
  running?: boolean
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

/** The kinds of resource a plugin instance can leave running after its teardown (the leak report, dev only). */
export type LeakKind = 'timeout' | 'interval' | 'animation-frame' | 'listener' | 'observer' | 'connection' | 'node'

/** One thing a plugin instance left running after its teardown. */
export interface Leak {
  kind: LeakKind
  /** What it is: `interval (every 1000 ms)`, `"resize" listener on window`. */
  what: string
  /** Where it was started, relative to the plugin's folder when there (`index.ts:12:5`); absent when the stack did not say. */
  site?: string
}
