import type { PluginHost } from '../host/host.js'
import type { HostCore } from '../host/core.js'
import type { LastGoodLoader } from '../host/last-good.js'
import type { HotReloadSettings } from '../host/types.js'
import { createLeakWatch, type LeakWatchOptions } from '../leaks/watch.js'
import type { FullReloadReason, Recovery } from './recovery/recovery.js'
import type { Persistence } from './state/persistence.js'
import type { UpdateSource } from './update-source.js'

/** Where the hot-reload on/off settings are kept across reloads, and their value at first. */
export interface KeptHotReloadSettings {
  load(): HotReloadSettings | undefined
  save(settings: HotReloadSettings): void
  initial: HotReloadSettings
}

/** What a host gets from the engine when it attaches. */
export interface AttachmentOptions {
  hosts: Set<HostCore>
  source: Pick<UpdateSource, 'hostAttached'>
  recovery: Pick<Recovery, 'announceReloaded'>
  /** Imports the plugin's current file and swaps it in (for saves skipped while hot reload was off). */
  reloadNow(id: string): void
  persistence?: Persistence | undefined
  lastGood?: LastGoodLoader | undefined
  reloadedBecause?: FullReloadReason | undefined
  hotReloadSettings?: KeptHotReloadSettings | undefined
  /** Reports what plugin instances leave running after their teardown; absent: nothing is watched. */
  leaks?: LeakWatchOptions | undefined
  /** Called before anything is announced to the host (the devtools listen here). */
  onAttach?: ((core: HostCore, host: PluginHost) => void) | undefined
}

/** Joins a host to the engine: its state hooks, last good versions, hot-reload settings; returns what detaches it. */
export function attachHost(core: HostCore, host: PluginHost, options: AttachmentOptions): () => void {
  options.hosts.add(core)
  options.onAttach?.(core, host)
  if (options.persistence) core.stateHooks = options.persistence.hooksFor(core)
  if (options.lastGood) core.lastGood = options.lastGood
  if (options.leaks) core.leaks = createLeakWatch(core, options.leaks)
  const unwatch = options.source.hostAttached?.(host)
  if (options.reloadedBecause) options.recovery.announceReloaded(core, options.reloadedBecause)
  core.hotReload.onResumed = (ids) => ids.forEach(options.reloadNow)
  const kept = options.hotReloadSettings
  if (kept) {
    core.hotReload.apply(kept.load() ?? kept.initial)
    core.hotReload.onChanged = kept.save
  }
  return () => {
    unwatch?.()
    options.hosts.delete(core)
  }
}
