import { HOT_SOURCE_SYMBOL_KEY } from '../protocol/index.js'
import type { HotSource } from '../host/core.js'
import type { PluginEntry, PluginModule } from '../host/types.js'
import type { EntryDeclaration } from './update-source.js'

const hotSourceKey = Symbol.for(HOT_SOURCE_SYMBOL_KEY)

export type EntryList = ReturnType<typeof createEntryList>

/**
 * The plugin entries a host starts with, each linked to the engine's hot source (so the host
 * attaches to it), and kept current as entries are created, deleted and moved.
 */
export function createEntryList(
  inits: readonly EntryDeclaration[],
  source: HotSource,
  /** Imports an entry by URL with a query (`t=…`), for entries created while the app runs. */
  importModule?: (url: string, query: string) => Promise<PluginModule>,
  wallClock: () => number = Date.now,
) {
  let byId = new Map(inits.map((init) => [init.id, init]))
  const toEntry = (init: EntryDeclaration): PluginEntry => {
    const entry: PluginEntry = { id: init.id, file: init.file, load: init.load }
    Object.defineProperty(entry, hotSourceKey, { value: source, enumerable: false })
    return Object.freeze(entry)
  }
  const entries = inits.map(toEntry)
  // The list itself is linked too: a host that starts with no plugins still gets those added later.
  Object.defineProperty(entries, hotSourceKey, { value: source, enumerable: false })

  return {
    entries,
    urlOf: (id: string): string | undefined => byId.get(id)?.url,
    /** The list is now `next` (a host that starts later gets it); returns the entries it had. */
    replace(next: readonly EntryDeclaration[]): ReadonlyMap<string, EntryDeclaration> {
      const before = byId
      byId = new Map(next.map((init) => [init.id, init]))
      entries.splice(0, entries.length, ...next.map(toEntry))
      return before
    },
    /**
     * The entry to add to a running host. It is imported with a new `t=`: the browser keeps every
     * module it ever imported, so an entry deleted and created again would otherwise give back its old code.
     */
    added(init: EntryDeclaration): PluginEntry {
      return toEntry(importModule ? { ...init, load: () => importModule(init.url, `t=${wallClock()}`) } : init)
    },
  }
}
