import type { HostCore } from '../host/core.js'
import type { PluginEntry } from '../host/types.js'
import { addPlugin, relocatePlugin, removePlugin } from './runtime-entries.js'
import type { EntryDeclaration } from './update-source.js'

export interface EntryChangeContext {
  hosts: Iterable<HostCore>
  /** The entry a running host adds for `init`. */
  added(init: EntryDeclaration): PluginEntry
  /** Imports a plugin's current file and swaps it in. */
  reloadNow(id: string): void
  /** Tells the source an entry change ran (what only removed plugins imported may go now). */
  entriesApplied(): void
}

/**
 * Applies a new set of entries to the running hosts: removed plugins stop, added ones start, a
 * moved one (same id, another file) is the same plugin, its new file swapped in with its state.
 */
export function applyEntryChanges(
  context: EntryChangeContext,
  before: ReadonlyMap<string, EntryDeclaration>,
  next: readonly EntryDeclaration[],
): void {
  const after = new Set(next.map((init) => init.id))
  const moved = next.filter((init) => {
    const previous = before.get(init.id)
    return previous !== undefined && previous.url !== init.url
  })
  const applied: Promise<void>[] = []
  for (const host of context.hosts) {
    for (const id of before.keys()) if (!after.has(id)) applied.push(removePlugin(host, id))
    for (const init of next) if (!before.has(init.id)) applied.push(addPlugin(host, context.added(init), host.now()))
    for (const init of moved) relocatePlugin(host, init.id, init.file)
  }
  // Once removed plugins are torn down and added ones run (with the modules they import), the
  // source may drop what only the removed ones imported: their styles leave the page then.
  if (applied.length > 0) void Promise.allSettled(applied).then(context.entriesApplied)
  // A moved plugin's old files are pruned once its new version runs (while the old one runs,
  // their styles are its own).
  const [first] = context.hosts
  for (const init of moved) {
    void swappedIn(first, init.id).then(context.entriesApplied)
    context.reloadNow(init.id)
  }
}

/** Resolves once `host` has swapped in a new version of `id` (never if that fails: the old one runs on). */
export function swappedIn(host: HostCore | undefined, id: string): Promise<void> {
  if (!host) return Promise.resolve()
  return new Promise((resolve) => {
    const off = host.events.on('reload-completed', (event) => {
      if (event.id !== id) return
      off()
      resolve()
    })
  })
}
