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
}

export interface ResolvedHotPluginsOptions {
  plugins: string[]
}

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
  return { plugins: plugins.map((glob) => glob.trim().replace(/^\.\//, '')) }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
