import { LOG_PREFIX } from '@hot-plugins/client/protocol'
import type { HotPluginsContext } from '../context.js'
import type { DiscoveredPlugin } from './discover-plugins.js'
import { createLookalikeFinder, describeLookalike } from './entry-lookalikes.js'
import { describeNotHotReloadable, whyNotHotReloadable, type HotReachChecks } from './hot-reach.js'

/**
 * Warns, once per file, about what was found but cannot hot-reload, and about files named like
 * entries that no glob matches: never silence for a save that would do nothing.
 */
export function createDiscoveryChecks(context: HotPluginsContext, reach: Pick<HotReachChecks, 'isServed' | 'isWatched'>) {
  const lookalikes = createLookalikeFinder(context.options.plugins)
  const warnLookalike = (file: string, glob: string) => context.warnOnce(`lookalike:${file}`, `${LOG_PREFIX} ${describeLookalike(file, glob)}`)
  return {
    /** After each discovery; `found` are the files named like entries (searched for when not given). */
    discovered(plugins: readonly DiscoveredPlugin[], found: readonly string[] = lookalikes.find(context.root)): void {
      for (const plugin of plugins) {
        const reason = whyNotHotReloadable(plugin, { mayReload: context.mayReload, ...reach })
        if (reason !== undefined) context.warnOnce(`reach:${plugin.absFile}`, `${LOG_PREFIX} ${describeNotHotReloadable(plugin, reason)}`)
      }
      for (const file of found) {
        const glob = lookalikes.globLookedLike(file)
        if (glob !== undefined && !context.isEntryPath(file)) warnLookalike(file, glob)
      }
    },
    /** For a file created or saved (root-relative): is it named like an entry no glob matches? */
    changed(file: string): void {
      const glob = lookalikes.globLookedLike(file)
      if (glob !== undefined && !context.isEntryPath(file)) warnLookalike(file, glob)
    },
    /** A save of a plugin's file that `include`/`exclude` filters out. */
    filteredOut(file: string, owners: readonly string[]): void {
      context.warnOnce(
        `filtered:${file}`,
        `${LOG_PREFIX} ${file} changed, but the "include"/"exclude" options filter it out, so ${owners.join(', ')} ${owners.length === 1 ? 'is' : 'are'} not reloaded; the page gets it on its next reload (said once per file)`,
      )
    },
  }
}

export type DiscoveryChecks = ReturnType<typeof createDiscoveryChecks>
