import type { Leak, ReloadOutcome } from '../protocol/index.js'
import type { PluginError } from './errors.js'

interface PluginRef {
  id: string
  file: string
}

/** What brought a swap: the events of one swap carry the same. */
export interface SwapRef {
  /** The dev server's number for the batch of changes (every plugin of one batch has the same). */
  batch?: number
  /** `'feed'` for a version a production feed brought (`followFeed`); absent for a save in dev. */
  source?: string
}

/** Where the time of a swap went, in ms. */
export interface ReloadPhases {
  /** From the change's arrival until the new code was in hand (fetch, evaluate, wait for the batch). */
  importMs: number
  /** Taking the state of the old instances and tearing them down. */
  teardownMs: number
  /** The new instances' `activate(ctx)`. */
  activateMs: number
  /** Handing the state to the new instances (`setReloadState`). */
  stateMs: number
}


/** Every event a plugin host emits, with its payload. */
export interface PluginHostEvents {
  /** A plugin was activated by `host.start`, or a failed one by a later good save. */
  'plugin-activated': PluginRef & { version: string | undefined; durationMs: number }
  /** A plugin could not be loaded or activated; the host and every other plugin keep running. */
  'plugin-failed': PluginRef & { error: PluginError }
  /**
   * A new version of a plugin arrived and is about to be swapped in; or (`via`) a plugin it depends
   * on is being swapped, so it stops and starts again against the new version.
   */
  'reload-started': PluginRef & SwapRef & { files: string[]; via?: string }
  /** A new version runs. `stateKept`: state was handed from the old instance to the new one. */
  'reload-completed': PluginRef & SwapRef & {
    version: string | undefined
    files: string[]
    durationMs: number
    stateKept: boolean
    reloadCount: number
    /** Set when the plugin was reloaded because `via`, a plugin it depends on, was swapped. */
    via?: string
    /** Where the time went (the same for every plugin of a batch). */
    phases?: ReloadPhases
    /** Approximate size of the state handed over, in bytes (when state was kept). */
    stateBytes?: number
  }
  /** A plugin's state was handed from its old instance to its new one during a swap. */
  'state-preserved': PluginRef & SwapRef & { stateBytes?: number }
  /**
   * A plugin of a batch was put back on its previous version, with its state, because `because`,
   * a plugin of the same batch, failed (that one also gets `reload-failed`).
   */
  'rolled-back': PluginRef & SwapRef & { because: string }
  /**
   * A new version did not take over; `outcome` says what became of it, `running` whether a version
   * of the plugin runs instead (false for a plugin that never started: nothing of it runs).
   */
  'reload-failed': PluginRef & SwapRef & {
    files: string[]
    error: PluginError
    outcome: Exclude<ReloadOutcome, 'swapped'>
    running: boolean
  }
  /** A new version could not be fetched; it is fetched again after `delayMs`. */
  retrying: PluginRef & { attempt: number; delayMs: number; error: unknown }
  /**
   * A plugin failed `failures` times in a row. `reloading`: the page reloads now, state saved;
   * `reloaded`: this page was loaded by such a reload; `offered`: (`fallback: 'hot-only'`) a reload
   * is only offered.
   */
  'full-reload': PluginRef & { reason: string; failures: number; phase: 'reloading' | 'reloaded' | 'offered' }
  /** After a page reload, a plugin got back the state it had (`migratedFrom`: its old stateVersion). */
  'state-restored': PluginRef & { savedAt: number; migratedFrom: number | undefined }
  /**
   * A plugin entry was created while the app runs (dev): the plugin is imported and activated next
   * (`plugin-activated`, or `plugin-failed`), without a page reload.
   */
  'plugin-added': PluginRef
  /**
   * A plugin entry was deleted while the app runs (dev): the plugin was torn down and forgotten.
   * `stateKept`: its state is kept, and given back if the entry comes back. Plugins depending on
   * it stop too (`plugin-failed`) and start again when it is back.
   */
  'plugin-removed': PluginRef & { stateKept: boolean }
  /** Hot reload was turned on or off, for one plugin (`id`) or for all. */
  'enabled-changed': { id: string | undefined; enabled: boolean }
  /**
   * After a reload the dev tools made, the plugin's code on disk failed at start (`error`), so its
   * last good version (kept by the dev server; it last ran well at `since`) runs instead, with its
   * saved state, until a good save.
   */
  'last-good-started': PluginRef & { since: number; error: PluginError }
  /**
   * Dev only (`leaks` not `'off'`): a plugin instance left timers, listeners, observers,
   * connections or nodes running after its teardown (`failed`: after its activate threw).
   * `cleaned`: they were stopped (`leaks: 'clean'`, or, whatever the mode, the instance never went
   * live: its activate threw or its swap was rolled back). `message` is the console's sentence.
   */
  'leak-detected': PluginRef & { leaks: Leak[]; message: string; cleaned: boolean; failed: boolean }
  /** Something went wrong that did not stop the plugin (a teardown threw, state was dropped…). */
  warning: PluginRef & { message: string; error?: unknown }
}

export type PluginHostEventName = keyof PluginHostEvents

/** Every event a host emits, e.g. to subscribe to all of them in a devtools view. */
export const PLUGIN_HOST_EVENTS = [
  'plugin-activated',
  'plugin-failed',
  'reload-started',
  'reload-completed',
  'reload-failed',
  'state-preserved',
  'rolled-back',
  'retrying',
  'full-reload',
  'state-restored',
  'plugin-added',
  'plugin-removed',
  'enabled-changed',
  'last-good-started',
  'warning',
  'leak-detected',
] as const satisfies readonly PluginHostEventName[]

// Fails to compile when an event is added to PluginHostEvents but not to the list above.
type Unlisted = Exclude<PluginHostEventName, (typeof PLUGIN_HOST_EVENTS)[number]>
const everyEventListed: [Unlisted] extends [never] ? true : Unlisted = true
void everyEventListed
