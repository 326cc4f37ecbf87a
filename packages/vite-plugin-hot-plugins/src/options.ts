import type { RestoreOnReload } from '@hot-plugins/client/protocol'

/** How plugin state is kept beyond a hot swap. */
export interface StateOptions {
  /**
   * Also keep each plugin's state in IndexedDB (off the critical path of a swap), so it survives a
   * full page reload. State is keyed by project (the Vite root) and browser tab.
   * @default true
   */
  persist?: boolean
  /**
   * When a page load gives plugins back their saved state:
   * - `'auto'`: after reloads the dev tools make (Vite's full reload, a dev-server restart, the
   *   runtime's own fallback reload) — not after one you make (F5);
   * - `'always'`: after every reload, F5 included;
   * - `'never'`: never.
   * @default 'auto'
   */
  restoreOnReload?: RestoreOnReload
}

/** Options of `hotPlugins()`. */
export interface HotPluginsOptions {
  /**
   * Globs (picomatch syntax, relative to the Vite root) naming the entry file of each plugin. A
   * plugin's id is its entry's folder name when the file is an `index.*`, else the file name
   * without extension; `export const meta = { id: '…' }` in the entry overrides it.
   *
   * @default 'src/plugins/*\/index.{ts,tsx,js,jsx,mts,mjs}'
   * @example 'src/plugins/*\/index.ts'
   * @example ['src/plugins/*.ts', 'src/extensions/**\/plugin.ts']
   */
  plugins?: string | string[]
  /**
   * How plugin state is kept beyond a hot swap.
   * @default { persist: true, restoreOnReload: 'auto' }
   * @example { restoreOnReload: 'always' }
   */
  state?: StateOptions
}

export interface ResolvedHotPluginsOptions {
  plugins: string[]
  state: Required<StateOptions>
}

const RESTORE_MODES: readonly RestoreOnReload[] = ['auto', 'always', 'never']

export const DEFAULT_PLUGIN_GLOB = 'src/plugins/*/index.{ts,tsx,js,jsx,mts,mjs}'

/** Validates the user's options and fills in every default. Throws a TypeError naming the bad option. */
export function resolveOptions(options: HotPluginsOptions = {}): ResolvedHotPluginsOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`hotPlugins(options): options must be an object, got ${show(options)}`)
  }
  const raw = options.plugins ?? DEFAULT_PLUGIN_GLOB
  const plugins = typeof raw === 'string' ? [raw] : raw
  if (!Array.isArray(plugins) || plugins.length === 0) {
    throw new TypeError(
      `hotPlugins(options): "plugins" must be a glob or a non-empty array of globs naming plugin entry files (e.g. '${DEFAULT_PLUGIN_GLOB}'), got ${show(raw)}`,
    )
  }
  for (const glob of plugins) {
    if (typeof glob !== 'string' || glob.trim() === '') {
      throw new TypeError(`hotPlugins(options): every entry of "plugins" must be a non-empty glob string, got ${show(glob)}`)
    }
  }
  return { plugins: plugins.map((glob) => glob.trim().replace(/^\.\//, '')), state: resolveState(options.state) }
}

function resolveState(state: StateOptions | undefined): Required<StateOptions> {
  if (state !== undefined && (state === null || typeof state !== 'object' || Array.isArray(state))) {
    throw new TypeError(`hotPlugins(options): "state" must be an object like { restoreOnReload: 'always' }, got ${show(state)}`)
  }
  const persist = state?.persist ?? true
  const restoreOnReload = state?.restoreOnReload ?? 'auto'
  if (typeof persist !== 'boolean') {
    throw new TypeError(`hotPlugins(options): "state.persist" must be true or false, got ${show(persist)}`)
  }
  if (!RESTORE_MODES.includes(restoreOnReload)) {
    throw new TypeError(
      `hotPlugins(options): "state.restoreOnReload" must be one of ${RESTORE_MODES.map((m) => `'${m}'`).join(', ')}, got ${show(restoreOnReload)}`,
    )
  }
  return { persist, restoreOnReload }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
