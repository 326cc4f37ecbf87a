import { INJECTED_META_EXPORT, type InjectedPluginMeta } from '@hot-plugins/client/protocol'
import { parse } from 'es-module-lexer'
import MagicString from 'magic-string'
import { neutraliseRefreshBoundary, selfAcceptCalls } from './refresh-boundary.js'

export interface InjectionResult {
  code: string
  map: ReturnType<MagicString['generateMap']>
  /** The entry's export names (type-only exports excluded). */
  exports: string[]
  /** Whether the entry still accepts its own HMR updates, which would hide them from the registry. */
  selfAccepts: boolean
  /** Whether React Fast Refresh had made the entry accept its own updates (undone: the host swaps it). */
  refreshBoundaryRemoved: boolean
}

/**
 * Appends `export const __hotPlugin = { id, file, exports }` to a plugin entry (JavaScript, after
 * Vite's own transforms), and undoes the self-accept React Fast Refresh adds to an entry that
 * defines a component. Every original line keeps its number; the source map says so. Call
 * `await init` from es-module-lexer once before.
 */
export function injectPluginMeta(code: string, sourceId: string, plugin: { id: string; file: string }): InjectionResult {
  const [imports, exports] = parse(code, sourceId)
  const names = exports.filter((e) => e.type !== 'reexport-all' && !e.typeOnly).map((e) => ('name' in e ? e.name : ''))
  const meta: InjectedPluginMeta = { id: plugin.id, file: plugin.file, exports: names }
  const s = new MagicString(code)
  const selfAccepts = selfAcceptCalls(code, imports)
  const removed = neutraliseRefreshBoundary(code, imports, selfAccepts, s)
  s.append(`\nexport const ${INJECTED_META_EXPORT} = ${JSON.stringify(meta)};\n`)
  return {
    code: s.toString(),
    map: s.generateMap({ hires: 'boundary', source: sourceId, includeContent: true }),
    exports: names,
    selfAccepts: selfAccepts.length > removed,
    refreshBoundaryRemoved: removed > 0,
  }
}
