import type { LeakMode } from '../../protocol/index.js'
import { runtimeFiles } from '../../leaks/site.js'
import { createLeakTracker, TRACKER_URL, type LeakTracker } from '../../leaks/tracker.js'
import type { LeakWatchOptions } from '../../leaks/watch.js'
import { sourceMapper } from './source-maps.js'
import { patchConstructors } from './constructors.js'
import { patchListeners } from './listeners.js'
import { patchNodes } from './nodes.js'
import { restoreAll, type Restore } from './patch.js'
import { patchTimers } from './timers.js'

/**
 * Makes the page's timers, listeners, observers, connections and node insertions tell `tracker`
 * what the running plugin instance starts, and run its callbacks as that instance. Installed once,
 * in dev, only when leaks are watched; with no plugin code running, each patched call only checks
 * that and goes on. Returns what puts the originals back.
 */
export function installLeakPatches(tracker: LeakTracker, global: typeof globalThis = globalThis): Restore {
  return restoreAll([
    patchTimers(global as unknown as Record<string, any>, tracker),
    patchListeners(global, tracker),
    patchConstructors(global as unknown as Record<string, any>, tracker),
    patchNodes(global, tracker),
  ])
}

let installed: LeakTracker | undefined

/**
 * The leak report of this page, as the engine takes it: the page's globals patched once (the first
 * time leaks are watched), stack frames mapped to the author's files. Undefined for `off`: then
 * nothing is patched.
 */
export function pageLeaks(mode: LeakMode): LeakWatchOptions | undefined {
  if (mode === 'off') return undefined
  if (!installed) {
    installed = createLeakTracker()
    installLeakPatches(installed)
  }
  return { tracker: installed, mode, isRuntime: runtimeFiles(TRACKER_URL), mapFrame: sourceMapper() }
}
