import type { UserConfig } from 'vite'

/** Vite's own scan entries when neither `optimizeDeps.entries` nor an input is configured. */
const DEFAULT_SCAN_ENTRIES = ['**/*.html', '!**/__tests__/**', '!**/coverage/**']

/**
 * The `optimizeDeps.entries` that make Vite's dependency scanner crawl the plugin entries too.
 * The host imports them through `virtual:hot-plugins`, a virtual module the scanner does not enter,
 * so without this a plugin's npm imports (react-dom, vue…) are found only when the browser first
 * asks for them, and Vite reloads the page to re-optimize. Setting `entries` replaces what Vite
 * would scan by default, so that default (the HTML files, or the configured input) is kept in;
 * entries the user set are concatenated with ours by Vite's config merge.
 */
export function optimizeDepsEntries(config: UserConfig, pluginGlobs: readonly string[]): string[] {
  if (config.optimizeDeps?.entries !== undefined) return [...pluginGlobs]
  const input = config.input ?? config.build?.rolldownOptions?.input ?? config.build?.rollupOptions?.input
  if (input === undefined) return [...DEFAULT_SCAN_ENTRIES, ...pluginGlobs]
  const inputs = typeof input === 'string' ? [input] : Array.isArray(input) ? input : Object.values(input)
  return [...inputs, ...pluginGlobs]
}
