import { DEFAULTS, type FallbackMode, type LeakMode, type OverlayBadge, type OverlayConfig, type OverlayPosition, type RestoreOnReload, type RetryPolicy } from '@hot-plugins/client/protocol'
import type { BatchWindow } from './hmr/batcher.js'

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
  /**
   * Show the badge. `'auto'` hides it when the app runs Vite DevTools (`devtools: true` in the Vite
   * config, with `@vitejs/devtools` installed): its dock then lists the plugins and the reloads.
   * Without the badge the panel still opens with Alt+Shift+H, and the notice of a failed save shows.
   * @default 'auto'
   */
  badge?: OverlayBadge
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

/** Who may load the plugins of a project that exposes them (`expose`). */
export interface ExposeOptions {
  /**
   * The origins of host pages (and host dev servers) allowed to load this project's plugins:
   * exact origins (`'http://localhost:5173'`) or RegExps. Any other origin is refused (403).
   * @default the loopback origins Vite's own `server.cors` default allows: http and https on
   * `localhost`, `*.localhost`, `127.0.0.1` and `[::1]`, any port
   * @example ['http://localhost:5173', /^https:\/\/.*\.dev\.acme\.test$/]
   */
  allowOrigins?: (string | RegExp)[]
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
   * @default { position: 'bottom-right', open: false, badge: 'auto' }
   * @example { position: 'top-left', open: true }
   * @example false
   */
  overlay?: boolean | OverlayOptions
  /**
   * How changes of many plugins at once (a checkout, a search-and-replace, "save all") become one
   * batch, applied in the page at once, all or nothing. A batch closes once no plugin file changed
   * for a quiet time and every change of it compiled. After a change that comes when nothing
   * changed for `max` ms (a save on its own, a burst's first change) the quiet time is `first` ms:
   * with the default 0, a single save goes out the moment it compiled, and the changes of a burst
   * that arrive meanwhile join it. From the second change of a burst on it is `min` ms, doubling
   * with each further change, up to `max`; no batch stays open longer than `max` ms after its first
   * change. A number is a fixed window (`first`, `min` and `max` alike); `0` sends every change on
   * its own. Given `min` without `first`, `first` is `min`.
   * @default { first: 0, min: 5, max: 100 }
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
  /**
   * The leak report (dev only): what a plugin instance started — timers, animation frames,
   * listeners on `window`, `document` and elements still in the page, observers, sockets and
   * channels, nodes it inserted — and still runs after its teardown is reported once: in the
   * console, the devtools history and a `leak-detected` host event, each with the line that
   * started it. `'clean'` also stops what was left, so a sloppy plugin still swaps correctly;
   * `'off'` patches nothing. Production builds hold none of it.
   * @default 'warn'
   * @example 'clean'
   */
  leaks?: LeakMode
  /**
   * Serve this project's plugins to host apps running on other dev servers (the hosts list this
   * server in their `remotes`): each host's page imports them from here and swaps them on every
   * save, state kept. Dev only.
   * @default false
   * @example true
   * @example { allowOrigins: ['http://localhost:5173'] }
   */
  expose?: boolean | ExposeOptions
  /**
   * Dev servers of other projects (that `expose` their plugins) whose plugins join this app's:
   * `virtual:hot-plugins` lists them after the app's own, and a save in such a project swaps its
   * plugin in this app's page without a reload. A remote that is not running is reported once and
   * its plugins start when it comes up. Dev only: `vite build` bundles none of them.
   * @default []
   * @example ['http://localhost:5174']
   */
  remotes?: string[]
  /**
   * `vite build` writes the feed of the build, `hot-plugins.json`, into the output folder: each
   * plugin's entry chunk and every chunk it imports, with their `sha384` integrity. A production
   * page that calls `followFeed` (`@hot-plugins/client/feed`) swaps in the versions it lists, with
   * their state. `file` is its path in the output folder; `false` writes none.
   * @default { file: 'hot-plugins.json' }
   * @example { file: 'feeds/plugins.json' }
   * @example false
   */
  feed?: boolean | { file?: string }
}


/** Files whose changes never reload a plugin unless `exclude` says otherwise. */
export const DEFAULT_EXCLUDE: readonly string[] = DEFAULTS.exclude

/** The default of `plugins`. */
export const DEFAULT_PLUGIN_GLOB: string = DEFAULTS.plugins

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
  leaks: LeakMode
  /** `false`, or who may load the exposed plugins. */
  expose: false | { allowOrigins: (string | RegExp)[] }
  /** The remote dev servers' URLs, without a trailing slash. */
  remotes: string[]
  /** Where `vite build` writes the feed, in the output folder; false: no feed. */
  feed: { file: string } | false
}

export { resolveOptions } from './resolve-options.js'
