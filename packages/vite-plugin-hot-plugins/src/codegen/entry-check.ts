import { parse } from 'es-module-lexer'
import MagicString from 'magic-string'
import { neutraliseRefreshBoundary, selfAcceptCalls } from './refresh-boundary.js'

export interface EntryCheck {
  /** The entry's export names (type-only exports excluded). */
  exports: string[]
  /** Whether the entry still accepts its own HMR updates, which would hide them from the registry. */
  selfAccepts: boolean
  /** Whether React Fast Refresh had made the entry accept its own updates (undone: the host swaps it). */
  refreshBoundaryRemoved: boolean
  /** The entry's code with that undone, and its source map; undefined when the code is served as it is. */
  rewritten?: { code: string; map: ReturnType<MagicString['generateMap']> }
}

/**
 * Reads a plugin entry (JavaScript, after Vite's own transforms): its exports and whether it accepts
 * its own updates; and undoes the self-accept React Fast Refresh adds to an entry that defines a
 * component, keeping every original line on its line (the source map says so). Nothing is added to
 * an entry: each version of it the page imports stays in its memory until a reload. Call `await
 * init` from es-module-lexer once before.
 */
export function checkEntry(code: string, sourceId: string): EntryCheck {
  const [imports, exports] = parse(code, sourceId)
  const names = exports.filter((e) => e.type !== 'reexport-all' && !e.typeOnly).map((e) => ('name' in e ? e.name : ''))
  const s = new MagicString(code)
  const selfAccepts = selfAcceptCalls(code, imports)
  const removed = neutraliseRefreshBoundary(code, imports, selfAccepts, s)
  return {
    exports: names,
    selfAccepts: selfAccepts.length > removed,
    refreshBoundaryRemoved: removed > 0,
    rewritten: removed > 0 ? { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: sourceId, includeContent: true }) } : undefined,
  }
}
