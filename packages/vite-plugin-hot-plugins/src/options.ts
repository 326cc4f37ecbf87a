import type { BatchWindow } from './hmr/batcher.js'
import {
  DEFAULT_OVERLAY,
  DEFAULT_RETRY,
  type FallbackMode,
  type OverlayConfig,
  type OverlayPosition,
  type RestoreOnReload,
  type RetryPolicy,
} from '@hot-plugins/client/protocol'

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

/** The in-page devtools panel (dev only: a production build holds none of it). */
export interface OverlayOptions {
  /**
   * The corner of the page the badge (and the open panel) sits in.
   * @default 'bottom-right'
   */
  position?: OverlayPosition
  /**
   * Open the panel when the page loads (else only the badge shows until clicked, or Alt+Shift+H).
   * @default false
   */
  open?: boolean
}

/**
 * Plugins that are packages, named by their package names: workspace packages that pnpm, npm or
 * yarn workspaces link into `node_modules`. Each one's entry is what its `package.json` names
 * (`exports['.']` with the conditions `development`, `browser`, `module`, `import`, `default`; else
 * `module`, else `main`), resolved through the link to its real file, so that Vite serves it as
 * source and watches it. Its id is the package name, unless `meta.id` says otherwise.
 */
export interface PluginPackages {
  /**
   * Package names, or picomatch globs of package names, looked up in the `node_modules` folders of
   * the Vite root and the folders above it (the nearest wins, as for Node's own lookup).
   * @example '@acme/plugin-*'
   * @example ['@acme/plugin-chart', 'acme-plugin-*']
   */
  packages: string | string[]
}

/** Options of `hotPlugins()`. */
export interface HotPluginsOptions {
  /**
   * Where the plugins are: globs (picomatch syntax, relative to the Vite root, `../` for folders
   * outside it) naming the entry file of each plugin, and `{ packages }` naming plugins that are
   * workspace packages. A plugin's id is its entry's folder name when the file is an `index.*`,
   * else the file name without extension, and a package's name for a package;
   * `export const meta = { id: '…' }` in the entry overrides it.
   *
   * @default 'src/plugins/*\/index.{ts,tsx,js,jsx,mts,mjs}'
   * @example 'src/plugins/*\/index.ts'
   * @example ['src/plugins/*.ts', 'src/extensions/**\/plugin.ts']
   * @example ['src/plugins/*\/index.ts', '../shared-plugins/*\/index.ts', { packages: '@acme/plugin-*' }]
   */
  plugins?: string | PluginPackages | (string | PluginPackages)[]
  /**
   * How plugin state is kept beyond a hot swap.
   * @default { persist: true, restoreOnReload: 'auto' }
   * @example { restoreOnReload: 'always' }
   */
  state?: StateOptions
  /**
   * How a new plugin version that could not be fetched is fetched again: exponential backoff with
   * jitter. Only failures that may pass are retried; code that throws is not.
   * @default { attempts: 3, initialDelayMs: 100, maxDelayMs: 2000, factor: 2, jitter: 0.2 }
   */
  retry?: Partial<RetryPolicy>
  /**
   * What happens when one plugin fails to reload `failuresBeforeFallback` times in a row (its new
   * code throws on load, in `activate` or in `setReloadState`): `'reload'` saves every plugin's
   * state and reloads the page once (state is restored after it, and the reason logged);
   * `'hot-only'` never reloads and shows a bar offering the reload instead.
   * @default 'reload'
   */
  fallback?: FallbackMode
  /**
   * Failures in a row of one plugin before the fallback; 0 turns the fallback off. Code that does
   * not compile is refused by the dev server before it reaches the page and does not count.
   * @default 3
   */
  failuresBeforeFallback?: number
  /**
   * Whether saves swap plugins in. When false, plugins keep running the code the page loaded (a
   * page reload gives the latest); `host.setHotReloadEnabled(true)` or the devtools turn it on.
   * A choice made at runtime is kept for the tab across reloads.
   * @default true
   */
  enabled?: boolean
  /**
   * Globs (picomatch, relative to the Vite root) of the files whose changes may reload a plugin;
   * by default every file a plugin imports, wherever it lies. A glob that starts with `**` matches
   * files outside the root too (`../shared-lib/format.ts`); name folders outside it with `../`.
   * A plugin's file filtered out is said once in the terminal, never silently ignored.
   * @default ['**']
   * @example ['src/**', '../shared-lib/**']
   */
  include?: string | string[]
  /**
   * Globs of files whose changes never reload a plugin, even when a plugin imports them (they
   * still reach the page on the next reload; the terminal says so once per file). Matched as
   * `include` is, outside the root too. Replaces the default list; spread `DEFAULT_EXCLUDE` to
   * extend it.
   * @default DEFAULT_EXCLUDE: test files, type declarations, editor swap and backup files, node_modules
   * @example [...DEFAULT_EXCLUDE, 'src/plugins/*\/fixtures/**']
   */
  exclude?: string | string[]
  /**
   * The devtools panel in the page: a badge in a corner opens it (so does Alt+Shift+H); it shows
   * every plugin and the reload history; a notice beside the badge names a plugin whose save failed.
   * `false` mounts nothing (no notice either); `true` is the default panel.
   * @default { position: 'bottom-right', open: false }
   * @example { position: 'top-left', open: true }
   * @example false
   */
  overlay?: boolean | OverlayOptions
  /**
   * How changes of many plugins at once (a checkout, a search-and-replace, "save all") become one
   * batch, applied in the page at once, all or nothing. A batch closes once no plugin file changed
   * for a quiet time: `min` ms at first, doubling with each further change of the burst, up to
   * `max`; no batch stays open longer than `max` ms after its first change. A number is a fixed
   * window (`min` and `max` alike); `0` sends every change on its own. The dev server compiles each
   * change while the window runs, so a single save waits only when that takes less than `min`.
   * @default { min: 5, max: 100 }
   * @example { min: 20, max: 300 } // a slow disk, a big checkout
   */
  debounce?: number | Partial<BatchWindow>
  /**
   * When a plugin is swapped, the running plugins that depend on it (`meta.dependsOn`, directly or
   * through others) stop first and start again against its new version, each with its state. Turn
   * it off when dependents only look their dependency up on use: they then keep running through
   * the swap (a dependent holding on to the old instance keeps using it).
   * @default true
   */
  reloadDependents?: boolean
}

/** The default of `debounce`. */
export const DEFAULT_DEBOUNCE: Readonly<BatchWindow> = { min: 5, max: 100 }

/** Files whose changes never reload a plugin unless `exclude` says otherwise. */
export const DEFAULT_EXCLUDE: readonly string[] = [
  '**/*.{test,spec}.*',
  '**/__tests__/**',
  '**/*.d.ts',
  '**/*.{swp,swo,swx,tmp,bak,orig}',
  '**/*~',
  '**/.#*',
  '**/node_modules/**',
]

export interface ResolvedHotPluginsOptions {
  /** The globs of `plugins`. */
  plugins: string[]
  /** The package names (or globs of names) of `plugins`' `{ packages }`. */
  packages: string[]
  state: Required<StateOptions>
  retry: RetryPolicy
  fallback: FallbackMode
  failuresBeforeFallback: number
  enabled: boolean
  include: string[]
  exclude: string[]
  overlay: OverlayConfig
  debounce: BatchWindow
  reloadDependents: boolean
}

const RESTORE_MODES: readonly RestoreOnReload[] = ['auto', 'always', 'never']

export const DEFAULT_PLUGIN_GLOB = 'src/plugins/*/index.{ts,tsx,js,jsx,mts,mjs}'

/** Validates the user's options and fills in every default. Throws a TypeError naming the bad option. */
export function resolveOptions(options: HotPluginsOptions = {}): ResolvedHotPluginsOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`hotPlugins(options): options must be an object, got ${show(options)}`)
  }
  const { plugins, packages } = resolvePluginSources(options.plugins ?? DEFAULT_PLUGIN_GLOB)
  return {
    plugins,
    packages,
    state: resolveState(options.state),
    retry: resolveRetry(options.retry),
    fallback: oneOf('fallback', options.fallback ?? 'reload', ['reload', 'hot-only'] as const),
    failuresBeforeFallback: wholeNumber('failuresBeforeFallback', options.failuresBeforeFallback ?? 3),
    enabled: trueOrFalse('enabled', options.enabled ?? true),
    include: globs('include', options.include ?? ['**']),
    exclude: globs('exclude', options.exclude ?? [...DEFAULT_EXCLUDE]),
    overlay: resolveOverlay(options.overlay),
    debounce: resolveDebounce(options.debounce),
    reloadDependents: trueOrFalse('reloadDependents', options.reloadDependents ?? true),
  }
}

function resolvePluginSources(raw: NonNullable<HotPluginsOptions['plugins']>): { plugins: string[]; packages: string[] } {
  const sources = Array.isArray(raw) ? raw : [raw]
  if (sources.length === 0) {
    throw new TypeError(
      `hotPlugins(options): "plugins" must be a glob, { packages }, or a non-empty array of them naming plugin entry files (e.g. '${DEFAULT_PLUGIN_GLOB}'), got ${show(raw)}`,
    )
  }
  const plugins: string[] = []
  const packages: string[] = []
  for (const source of sources) {
    if (typeof source === 'string' && source.trim() !== '') plugins.push(source.trim().replace(/^\.\//, ''))
    else if (source !== null && typeof source === 'object' && !Array.isArray(source)) packages.push(...packageNames(source))
    else {
      throw new TypeError(
        `hotPlugins(options): every entry of "plugins" must be a non-empty glob string or { packages: '@scope/name-*' }, got ${show(source)}`,
      )
    }
  }
  return { plugins, packages }
}

const PACKAGE_NAME_GLOB = /^(@[^\s/]+\/)?[^\s/.][^\s/]*$/

function packageNames(source: object): string[] {
  const unknown = Object.keys(source).filter((key) => key !== 'packages')
  const raw = (source as Partial<PluginPackages>).packages
  const names = typeof raw === 'string' ? [raw] : raw
  if (unknown.length > 0 || !Array.isArray(names) || names.length === 0) {
    throw new TypeError(
      `hotPlugins(options): a package entry of "plugins" must be { packages: '@scope/name-*' } (a package name, a glob of names, or an array of them), got ${show(source)}`,
    )
  }
  for (const name of names) {
    if (typeof name !== 'string' || !PACKAGE_NAME_GLOB.test(name.trim())) {
      throw new TypeError(
        `hotPlugins(options): "plugins" { packages } takes package names like '@acme/plugin-*' or 'my-plugin', got ${show(name)}`,
      )
    }
  }
  return names.map((name: string) => name.trim())
}

function resolveDebounce(debounce: number | Partial<BatchWindow> | undefined): BatchWindow {
  if (debounce === undefined) return { ...DEFAULT_DEBOUNCE }
  if (typeof debounce === 'number') {
    const ms = wholeNumber('debounce', debounce)
    return { min: ms, max: ms }
  }
  if (debounce === null || typeof debounce !== 'object' || Array.isArray(debounce)) {
    throw new TypeError(`hotPlugins(options): "debounce" must be a number of ms or an object like { min: 5, max: 100 }, got ${show(debounce)}`)
  }
  const min = wholeNumber('debounce.min', debounce.min ?? DEFAULT_DEBOUNCE.min)
  const max = wholeNumber('debounce.max', debounce.max ?? Math.max(min, DEFAULT_DEBOUNCE.max))
  if (max < min) throw new TypeError(`hotPlugins(options): "debounce.max" (${max}) must not be less than "debounce.min" (${min})`)
  return { min, max }
}

function globs(name: string, value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.some((glob) => typeof glob !== 'string' || glob.trim() === '')) {
    throw new TypeError(`hotPlugins(options): "${name}" must be a glob or an array of globs, got ${show(value)}`)
  }
  return list.map((glob: string) => glob.trim().replace(/^\.\//, ''))
}


const OVERLAY_POSITIONS: readonly OverlayPosition[] = ['bottom-right', 'bottom-left', 'top-right', 'top-left']

function resolveOverlay(overlay: boolean | OverlayOptions | undefined): OverlayConfig {
  if (overlay === false) return false
  if (overlay === undefined || overlay === true) return { ...DEFAULT_OVERLAY }
  if (overlay === null || typeof overlay !== 'object' || Array.isArray(overlay)) {
    throw new TypeError(`hotPlugins(options): "overlay" must be true, false or an object like { position: 'top-left' }, got ${show(overlay)}`)
  }
  const open = overlay.open ?? DEFAULT_OVERLAY.open
  if (typeof open !== 'boolean') {
    throw new TypeError(`hotPlugins(options): "overlay.open" must be true or false, got ${show(open)}`)
  }
  return { position: oneOf('overlay.position', overlay.position ?? DEFAULT_OVERLAY.position, OVERLAY_POSITIONS), open }
}

function resolveRetry(retry: Partial<RetryPolicy> | undefined): RetryPolicy {
  if (retry !== undefined && (retry === null || typeof retry !== 'object' || Array.isArray(retry))) {
    throw new TypeError(`hotPlugins(options): "retry" must be an object like { attempts: 3 }, got ${show(retry)}`)
  }
  const merged = { ...DEFAULT_RETRY, ...retry }
  const jitter = merged.jitter
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    throw new TypeError(`hotPlugins(options): "retry.jitter" must be a number from 0 to 1, got ${show(jitter)}`)
  }
  return {
    attempts: wholeNumber('retry.attempts', merged.attempts),
    initialDelayMs: wholeNumber('retry.initialDelayMs', merged.initialDelayMs),
    maxDelayMs: wholeNumber('retry.maxDelayMs', merged.maxDelayMs),
    factor: positive('retry.factor', merged.factor),
    jitter,
  }
}

function wholeNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`hotPlugins(options): "${name}" must be a whole number, 0 or more, got ${show(value)}`)
  }
  return value
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 1)) {
    throw new TypeError(`hotPlugins(options): "${name}" must be a number of 1 or more, got ${show(value)}`)
  }
  return value
}

function trueOrFalse(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`hotPlugins(options): "${name}" must be true or false, got ${show(value)}`)
  return value
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new TypeError(`hotPlugins(options): "${name}" must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`)
  }
  return value as T
}

function resolveState(state: StateOptions | undefined): Required<StateOptions> {
  if (state !== undefined && (state === null || typeof state !== 'object' || Array.isArray(state))) {
    throw new TypeError(`hotPlugins(options): "state" must be an object like { restoreOnReload: 'always' }, got ${show(state)}`)
  }
  const persist = trueOrFalse('state.persist', state?.persist ?? true)
  const restoreOnReload = state?.restoreOnReload ?? 'auto'
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
