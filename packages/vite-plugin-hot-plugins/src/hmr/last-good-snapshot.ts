import { init, parse } from 'es-module-lexer'
import MagicString from 'magic-string'
import { VIRTUAL_MODULE_ID } from '../plugins/filters.js'
import { withoutBase } from '../served-url.js'

/** The part of a module-graph node a snapshot reads. */
export interface SnapshotNode {
  url: string
  id: string | null
  file: string | null
  type: string
  transformResult: { code: string } | null
  /** Vite's last transform of a module it invalidated softly (only its imports' `?t=` are out of date), or `HARD_INVALIDATED`. */
  invalidationState?: { code: string } | 'HARD_INVALIDATED' | undefined
  importedModules: Set<SnapshotNode>
}

/** A plugin version's own modules: served code by module URL (the entry first). */
export type SnapshotModules = Map<string, string>

/**
 * Whether a module belongs to a plugin's version rather than to what it shares with the app:
 * JavaScript from the project's sources. Dependencies, Vite's own modules, virtual modules and
 * styles (kept on their current version: two copies would fight over one `<style>`) are shared.
 */
function isOwnModule(node: SnapshotNode): boolean {
  if (node.type !== 'js' || (node.id != null && VIRTUAL_MODULE_ID.test(node.id))) return false
  if (node.url.startsWith('/@') && !node.url.startsWith('/@fs/')) return false
  return !node.url.includes('/node_modules/') && !(node.file ?? '').includes('/node_modules/')
}

/**
 * The code of `entry` and of the modules it imports, transitively, that are its own (see
 * {@link isOwnModule}; another plugin's entry is not), as the dev server serves them now. A module
 * Vite invalidated softly (an importer of a changed module) gives its last transform: its code is
 * the same, and the snapshot rewrites its imports of its own modules anyway (so the `?t=` they are
 * out of date by does not matter). A module with no transform at hand is transformed; undefined
 * when one cannot be. (A batch of 50 plugins through one helper is captured as it is announced:
 * transforming the 50 softly invalidated entries held Vite's update back by 3–4 ms, and the
 * browser's requests for them transform them again.)
 */
export async function collectSnapshot(
  entry: SnapshotNode,
  options: { isOtherEntry(node: SnapshotNode): boolean; transform(url: string): Promise<{ code: string } | null> },
): Promise<SnapshotModules | undefined> {
  const modules: SnapshotModules = new Map()
  const queue = [entry]
  const seen = new Set<SnapshotNode>(queue)
  for (let node = queue.shift(); node; node = queue.shift()) {
    const result = node.transformResult ?? softlyInvalidated(node) ?? (await options.transform(node.url).catch(() => null))
    if (!result) return undefined
    modules.set(node.url, result.code)
    for (const imported of node.importedModules) {
      if (seen.has(imported) || !isOwnModule(imported) || options.isOtherEntry(imported)) continue
      seen.add(imported)
      queue.push(imported)
    }
  }
  return modules
}

function softlyInvalidated(node: SnapshotNode): { code: string } | undefined {
  const state = node.invalidationState
  return typeof state === 'object' ? state : undefined
}

/** A served URL as the module graph names it: without `base`, and without Vite's `t=…` and `import` queries. */
export function graphUrl(url: string, base: string): string {
  const [path, query] = withoutBase(url, base).split(/\?(.*)/s, 2) as [string, string | undefined]
  const kept = (query ?? '').split('&').filter((param) => param !== '' && param !== 'import' && !/^t=\d+$/.test(param))
  return kept.length > 0 ? `${path}?${kept.join('&')}` : path
}

/**
 * The code of a snapshot module as served under `prefix` (`${base}__hot-plugins/last-good/<id>/<at>`):
 * its imports of the snapshot's modules, and its hot context, point into the snapshot; every other
 * import (dependencies, Vite's client, styles) stays as it is, shared with the app.
 */
export async function rewriteSnapshotModule(code: string, prefix: string, own: ReadonlySet<string>, base: string): Promise<string> {
  await init
  const [imports] = parse(code)
  const s = new MagicString(code)
  for (const entry of imports) {
    if (entry.type === 'import-meta' || entry.specifier === undefined || (entry.type === 'dynamic' && entry.glob)) continue
    const url = graphUrl(entry.specifier, base)
    if (!own.has(url)) continue
    // The range of a dynamic import's literal may include its quotes.
    const quoted = /['"`]/.test(code[entry.start] ?? '')
    s.overwrite(quoted ? entry.start + 1 : entry.start, quoted ? entry.end - 1 : entry.end, `${prefix}${url}`)
  }
  const rewritten = s.toString()
  return rewritten.replace(/(__vite__createHotContext\(\s*)(["'])([^"']+)\2/g, (whole, call: string, quote: string, url: string) =>
    own.has(url) ? `${call}${quote}${prefix}${url}${quote}` : whole,
  )
}
