import type { LastGoodInfo, PluginStatus } from '../protocol/index.js'

/** A function that undoes what `activate` did: removes DOM, clears timers, unsubscribes. */
export type Teardown = () => void | Promise<void>

/** Optional metadata a plugin exports as `meta`. */
export interface PluginMeta {
  /** Overrides the id derived from the entry's folder or file name. */
  id?: string
  /** The plugin's own version, shown in logs and events. */
  version?: string
  /** Ids of plugins this one needs. */
  dependsOn?: string[]
  /** Version of the shape of the state `getReloadState` returns. */
  stateVersion?: number
}

/** Why `setReloadState` is being called. */
export interface ReloadInfo {
  /**
   * `hot-swap`: a new version takes over; `rollback`: the new version failed, the old one resumes;
   * `restore`: the page was reloaded and the plugin gets the state it had before.
   */
  reason: 'hot-swap' | 'rollback' | 'restore'
  /** `meta.version` of the instance the state came from. */
  fromVersion: string | undefined
  /** `meta.stateVersion` of the instance the state came from. */
  fromStateVersion: number | undefined
}

/**
 * The shape of a plugin module. Only `activate` is required.
 *
 * @typeParam Ctx - the host API the host app hands to `activate`
 * @typeParam State - what `getReloadState` returns and `setReloadState` receives
 */
export interface PluginModule<Ctx = any, State = any> {
  activate(ctx: Ctx): void | Teardown | Promise<void | Teardown>
  deactivate?(): void | Promise<void>
  getReloadState?(): State
  setReloadState?(state: State, info: ReloadInfo): void | Promise<void>
  migrateState?(state: unknown, fromStateVersion: number): State
  meta?: PluginMeta
}

/** One plugin the host can start: what `virtual:hot-plugins` exports a list of. */
export interface PluginEntry {
  /** The plugin id: the entry's folder or file name, or its `meta.id`. */
  readonly id: string
  /** The entry file, relative to the Vite root. */
  readonly file: string
  /** Imports the plugin module. */
  load(): Promise<PluginModule>
}

// Defined with the protocol: the dev server's control API reports them too.
export type { LastGoodInfo, PluginStatus } from '../protocol/index.js'

/** Whether saves swap plugins in: globally, and per plugin. */
export interface HotReloadSettings {
  enabled: boolean
  /** Ids of plugins for which hot reload is off. */
  disabled: string[]
}

/** What the host tells about one plugin. */
export interface PluginInfo {
  id: string
  file: string
  status: PluginStatus
  version: string | undefined
  /** Successful hot swaps since start. */
  reloadCount: number
  /** Duration of the last hot swap, in ms. */
  lastReloadMs: number | undefined
  /** The last error, cleared by the next success. */
  error: Error | undefined
  /**
   * Set while the plugin runs its last good version instead of the code on disk, which failed at
   * start after a reload the dev tools made; cleared by the next good save.
   */
  lastGood?: LastGoodInfo
}


/** The host API given to plugins: either one object for all, or made per plugin. */
export type ContextOption<Ctx> = Ctx | ((plugin: { id: string; file: string }) => Ctx)

/** Where the host writes. Defaults to the console, with a `[hot-plugins]` prefix. */
export interface Logger {
  info(message: string): void
  warn(message: string, error?: unknown): void
  error(message: string, error?: unknown): void
}
