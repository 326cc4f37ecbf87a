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
  const body = topLevelObjectText(code, meta.localEnd + open[0].length - 1)
  if (body === undefined) return undefined
  const id = /(?:^|[{,\s])(?:id|'id'|"id")\s*:\s*(['"])([^'"\n]*)\1/.exec(body)
  return id?.[2] || undefined
}

/**
 * The text of the object literal opening at `start`, with nested braces, brackets, parentheses,
 * strings and comments blanked out, so only its own keys remain. Undefined if it never closes.
 */
function topLevelObjectText(code: string, start: number): string | undefined {
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
    if (depth === 0) return out + ch
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
