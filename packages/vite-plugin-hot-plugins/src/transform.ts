import { INJECTED_META_EXPORT, type InjectedPluginMeta } from '@hot-plugins/client/protocol'
import { parse } from 'es-module-lexer'
import MagicString from 'magic-string'

export interface InjectionResult {
  code: string
  map: ReturnType<MagicString['generateMap']>
  /** The entry's export names (type-only exports excluded). */
  exports: string[]
  /** Whether the entry accepts its own HMR updates, which would hide them from the registry. */
  selfAccepts: boolean
}

/**
 * Appends `export const __hotPlugin = { id, file, exports }` to a plugin entry (JavaScript, after
 * Vite's own transforms). Only appends, so every original line keeps its number; the source map
 * says so. Call `await init` from es-module-lexer once before.
 */
export function injectPluginMeta(code: string, sourceId: string, plugin: { id: string; file: string }): InjectionResult {
  const [imports, exports] = parse(code, sourceId)
  const names = exports.filter((e) => e.type !== 'reexport-all' && !e.typeOnly).map((e) => ('name' in e ? e.name : ''))
  const meta: InjectedPluginMeta = { id: plugin.id, file: plugin.file, exports: names }
  const s = new MagicString(code)
  s.append(`\nexport const ${INJECTED_META_EXPORT} = ${JSON.stringify(meta)};\n`)
  const selfAccepts = imports.some(
    (i) => i.type === 'import-meta' && /^import\.meta\.hot\.accept\(\s*(?:\(|function\b|\)|[a-zA-Z_$][\w$]*\s*[,)])/.test(code.slice(i.start, i.start + 80)),
  )
  return {
    code: s.toString(),
    map: s.generateMap({ hires: 'boundary', source: sourceId, includeContent: true }),
    exports: names,
    selfAccepts,
  }
}
