import type { Emitter } from './emitter.js'
import type { PluginHostEvents } from './events.js'
import type { HotReloadSettings, Logger } from './types.js'

/**
 * Whether saves swap plugins in: on or off for all, and off for some. A save that reaches a plugin
 * whose hot reload is off is skipped, remembered, and handed back (`onResumed`) once it is on again.
 */
export interface HotReloadSwitch {
  /** Whether a new version of this plugin may be swapped in now (without an id: whether hot reload is on at all). */
  enabled(id?: string): boolean
  /** The current settings. */
  settings(): HotReloadSettings
  /** Replaces the settings quietly (restoring them after a reload: no event, nothing resumes). */
  apply(settings: HotReloadSettings): void
  /**
   * Turns hot reload on or off for one plugin, or (no id) for all: `host.enable`/`disable`/
   * `setHotReloadEnabled`. A change emits `enabled-changed`, calls `onChanged`, and resumes the saves
   * skipped for plugins that are on now.
   */
  set(id: string | undefined, enabled: boolean): void
  /** A save of this plugin was not applied because its hot reload is off. */
  skip(id: string): void
  /** Called whenever the settings change (the hot engine keeps them across reloads). */
  onChanged: ((settings: HotReloadSettings) => void) | undefined
  /** Called with the plugins whose skipped saves should apply now that hot reload is on again. */
  onResumed: ((ids: string[]) => void) | undefined
}

export function createHotReloadSwitch(initiallyOn: boolean, events: Emitter<PluginHostEvents>, logger: Logger): HotReloadSwitch {
  let on = initiallyOn
  const disabled = new Set<string>()
  const skipped = new Set<string>()
  const enabled = (id?: string): boolean => on && (id === undefined || !disabled.has(id))
  const settings = (): HotReloadSettings => ({ enabled: on, disabled: [...disabled] })

  const change: HotReloadSwitch = {
    enabled,
    settings,
    apply(next) {
      on = next.enabled
      disabled.clear()
      for (const id of next.disabled) disabled.add(id)
    },
    set(id, value) {
      if (id === undefined ? on === value : disabled.has(id) !== value) return
      if (id === undefined) on = value
      else if (value) disabled.delete(id)
      else disabled.add(id)
      change.onChanged?.(settings())
      events.emit('enabled-changed', { id, enabled: value })
      // Saves made while it was off apply now.
      const resumed = [...skipped].filter((skippedId) => enabled(skippedId))
      for (const resumedId of resumed) skipped.delete(resumedId)
      if (resumed.length > 0) change.onResumed?.(resumed)
    },
    skip(id) {
      skipped.add(id)
      logger.info(`hot reload is off for plugin "${id}": it keeps running its current code until hot reload is on again`)
    },
    onChanged: undefined,
    onResumed: undefined,
  }
  return change
}
