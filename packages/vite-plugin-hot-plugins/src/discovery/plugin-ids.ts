import path from 'node:path'
import { parse } from 'es-module-lexer'

/**
 * The id a plugin gets from its entry path (posix, relative to the root): the folder name for an
 * `index.*` file, else the file name without its extension.
 */
export function defaultPluginId(file: string): string {
  const name = path.posix.basename(file).replace(/\.[^.]+$/, '')
  if (name !== 'index') return name
  const folder = path.posix.basename(path.posix.dirname(file))
  return folder === '' || folder === '.' || folder === '..' ? name : folder
}

/**
 * Reads `id` from `export const meta = { id: '…' }` when it is a plain string literal. Returns
 * undefined when there is no such export, the id is computed, or the code does not parse (the
 * error will surface when Vite transforms the file).
 * Call `await init` from es-module-lexer once before.
 */
export function readStaticMetaId(code: string): string | undefined {
  return readStaticMeta(code).id
}

/** What of `meta` an entry writes as literals (other keys, and computed values, are left out). */
export interface StaticMeta {
  id?: string
  version?: string
  dependsOn?: string[]
  stateVersion?: number
}

/**
 * Reads `export const meta = { … }` where its `id`, `version` (string literals), `stateVersion` (a
 * number literal) and `dependsOn` (an array of string literals) are written as such.
 * Call `await init` from es-module-lexer once before.
 */
export function readStaticMeta(code: string): StaticMeta {
  const body = metaObjectText(code)
  if (body === undefined) return {}
  const meta: StaticMeta = {}
  const text = (key: string) => new RegExp(`(?:^|[{,\\s])(?:${key}|'${key}'|"${key}")\\s*:\\s*(['"])([^'"\\n]*)\\1`).exec(body.own)?.[2] || undefined
  const id = text('id')
  const version = text('version')
  if (id !== undefined) meta.id = id
  if (version !== undefined) meta.version = version
  const stateVersion = /(?:^|[{,\s])(?:stateVersion|'stateVersion'|"stateVersion")\s*:\s*(\d+)\s*[,}]/.exec(body.own)?.[1]
  if (stateVersion !== undefined) meta.stateVersion = Number(stateVersion)
  const dependsOn = /(?:^|[{,\s])(?:dependsOn|'dependsOn'|"dependsOn")\s*:\s*\[([^\]]*)\]/.exec(body.full)?.[1]
  if (dependsOn !== undefined && /^(\s*(['"])[^'"\n]*\2\s*,?)*\s*$/.test(dependsOn)) {
    meta.dependsOn = [...dependsOn.matchAll(/(['"])([^'"\n]*)\1/g)].map((m) => m[2]!)
  }
  return meta
}

/** The text of the `meta` export's object literal: its own keys only, and in full. */
function metaObjectText(code: string): { own: string; full: string } | undefined {
  let exports
  try {
    ;[, exports] = parse(code)
  } catch {
    return undefined
  }
  const meta = exports.find((e) => e.type === 'direct' && e.name === 'meta' && e.localEnd > 0)
  if (!meta || meta.type !== 'direct') return undefined
  const afterName = code.slice(meta.localEnd)
  const open = /^\s*(?::[^=]*)?=\s*\{/.exec(afterName)
  if (!open) return undefined
  const start = meta.localEnd + open[0].length - 1
  const object = topLevelObjectText(code, start)
  if (object === undefined) return undefined
  return { own: object.own, full: code.slice(start, object.end + 1) }
}

/**
 * The text of the object literal opening at `start`, with nested braces, brackets, parentheses,
 * strings and comments blanked out, so only its own keys remain, and where it ends. Undefined if
 * it never closes.
 */
function topLevelObjectText(code: string, start: number): { own: string; end: number } | undefined {
  let depth = 0
  let out = ''
  for (let i = start; i < code.length; i++) {
    const ch = code[i] as string
    if (ch === '"' || ch === "'" || ch === '`') {
      const end = skipString(code, i)
      out += depth === 1 ? code.slice(i, end + 1) : ' '
      i = end
      continue
    }
    if (ch === '/' && (code[i + 1] === '/' || code[i + 1] === '*')) {
      const end = code[i + 1] === '/' ? code.indexOf('\n', i) : code.indexOf('*/', i) + 1
      i = end <= 0 ? code.length : end
      out += ' '
      continue
    }
    if (ch === '{' || ch === '[' || ch === '(') depth++
    if (ch === '}' || ch === ']' || ch === ')') depth--
    if (depth === 0) return { own: out + ch, end: i }
    out += depth === 1 ? ch : ' '
  }
  return undefined
}

function skipString(code: string, start: number): number {
  const quote = code[start]
  for (let i = start + 1; i < code.length; i++) {
    if (code[i] === '\\') i++
    else if (code[i] === quote) return i
  }
  return code.length
}
