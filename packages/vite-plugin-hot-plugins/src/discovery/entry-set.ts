import type { DiscoveredPlugin } from './discover-plugins.js'

/** How the set of plugin entries (the entry set) changed between two discoveries. */
export interface EntrySetChange {
  added: DiscoveredPlugin[]
  removed: DiscoveredPlugin[]
  /** Same id, another entry file (a folder renamed, with its `meta.id` kept). */
  moved: { from: DiscoveredPlugin; to: DiscoveredPlugin }[]
  /** Whether anything the browser's registry holds changed. */
  changed: boolean
}

export function diffEntrySets(before: readonly DiscoveredPlugin[], after: readonly DiscoveredPlugin[]): EntrySetChange {
  const old = new Map(before.map((p) => [p.id, p]))
  const now = new Map(after.map((p) => [p.id, p]))
  const added = after.filter((p) => !old.has(p.id))
  const removed = before.filter((p) => !now.has(p.id))
  const moved = after.flatMap((to) => {
    const from = old.get(to.id)
    return from && from.url !== to.url ? [{ from, to }] : []
  })
  return { added, removed, moved, changed: added.length + removed.length + moved.length > 0 }
}

/** How many changes the terminal line names; a checkout of many plugins says how many more. */
const NAMED_CHANGES = 5

/**
 * The terminal's one line for a new set of plugins (it replaces Vite's `hmr update
 * virtual:hot-plugins`, which names no file): which entries were added, removed or moved.
 */
export function describeEntrySetChange(change: EntrySetChange): string {
  const items = [
    ...change.added.map((p) => `plugin added: ${p.id} (${p.file})`),
    ...change.removed.map((p) => `plugin removed: ${p.id} (${p.file}), its state kept in case it comes back`),
    ...change.moved.map(({ from, to }) => `plugin moved: ${to.id} (${from.file} → ${to.file}), the same plugin with its state`),
  ]
  const more = items.length - NAMED_CHANGES
  return more > 0 ? `${items.slice(0, NAMED_CHANGES).join('; ')}; and ${more} more` : items.join('; ')
}
