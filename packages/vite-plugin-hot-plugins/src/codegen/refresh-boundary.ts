import type { Import } from 'es-module-lexer'
import type MagicString from 'magic-string'

/** The text of a self-accept call, as Vite's import analysis reads it (by text, after `import.meta`). */
const SELF_ACCEPT = /^import\.meta\.hot\??\.accept\(\s*(?:\(|function\b|\)|[a-zA-Z_$][\w$]*\s*[,)])/
/**
 * The self-accept @vitejs/plugin-react's Fast Refresh wrapper appends to a module that defines a
 * component (Vite 8's built-in wrapper and the older JavaScript one write the same call): its
 * callback checks the new exports with `validateRefreshBoundaryAndEnqueueUpdate`.
 */
const REFRESH_ACCEPT = /^import\.meta\.hot\.accept\(\s*\(\s*nextExports\s*\)\s*=>/
const REFRESH_VALIDATION = 'RefreshRuntime.validateRefreshBoundaryAndEnqueueUpdate('

/** Where `import.meta.hot.accept(…)` calls that accept the module's own updates start. */
export function selfAcceptCalls(code: string, imports: readonly Import[]): number[] {
  return imports
    .filter((i) => i.type === 'import-meta' && SELF_ACCEPT.test(code.slice(i.start, i.start + 80)))
    .map((i) => i.start)
}

/**
 * The wrapper reads the module's exports by importing the module itself. For an entry imported
 * with another query than Vite's own (a plugin created while the app runs, "Reload now"), that
 * import is another URL: a second copy of the entry would run, top-level code and all.
 */
const SELF_IMPORT = /^import \* as (__vite_react_currentExports) from /

/**
 * A plugin entry is swapped by the host, never refreshed in place: Fast Refresh refuses a module
 * with non-component exports (`activate`) and invalidates it, and Vite then updates
 * the registry, not the entry, so the save would be lost. This turns the wrapper's self-accept into
 * a plain expression (`void (callback)`), so Vite no longer takes the entry for its own boundary and
 * sends its updates on to the registry, and drops the wrapper's import of the module itself (its
 * exports were only read for the self-accept). Components the entry defines are still registered
 * with React Refresh, so those in other modules keep refreshing as before. Returns how many
 * self-accepts it changed.
 */
export function neutraliseRefreshBoundary(code: string, imports: readonly Import[], starts: readonly number[], s: MagicString): number {
  if (!code.includes(REFRESH_VALIDATION)) return 0
  let changed = 0
  for (const start of starts) {
    if (!REFRESH_ACCEPT.test(code.slice(start, start + 80))) continue
    s.overwrite(start, start + 'import.meta.hot.accept'.length, 'void ')
    changed += 1
  }
  if (changed === 0) return 0
  for (const i of imports) {
    if (i.type !== 'static') continue
    const name = SELF_IMPORT.exec(code.slice(i.importStart, i.importEnd))?.[1]
    if (name) s.overwrite(i.importStart, i.importEnd, `const ${name} = {}`)
  }
  return changed
}
