/**
 * What the dev server tells the browser runtime (`RegistryConfig`), and the only copy of every
 * default of `hotPlugins()`: the server's options and the client's fallbacks both read them here.
 */

/** The corner the devtools badge and panel sit in. */
export type OverlayPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'

/**
 * Whether the devtools badge shows: `'auto'` hides it when the app runs Vite DevTools (whose dock
 * then lists the plugins and reloads), the dev server deciding before the browser gets it.
 */
export type OverlayBadge = boolean | 'auto'

/** The devtools panel as the browser gets it; `false`: no panel at all. `badge` absent: shown. */
export type OverlayConfig = false | { position: OverlayPosition; open: boolean; badge?: OverlayBadge }

export const DEFAULT_OVERLAY: Exclude<OverlayConfig, false> = { position: 'bottom-right', open: false, badge: 'auto' }

/** When persisted state is given back at page load. */
export type RestoreOnReload = 'auto' | 'always' | 'never'

/** How failed imports of a new plugin version are retried (only failures that may pass: a failed fetch). */
export interface RetryPolicy {
  /** Retries after the first failure (0: none). */
  attempts: number
  /** Delay before the first retry, in ms. */
  initialDelayMs: number
  /** Longest delay between retries, in ms. */
  maxDelayMs: number
  /** Each delay is the previous one times this. */
  factor: number
  /** Spread of each delay, as a fraction of it (0.2: ±20%), so tabs do not retry in step. */
  jitter: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 100, maxDelayMs: 2_000, factor: 2, jitter: 0.2 }

/** What happens when one plugin fails to reload several times in a row. */
export type FallbackMode = 'reload' | 'hot-only'

/**
 * What the runtime does about what a plugin leaves running after its teardown (dev only): `warn`
 * reports it, `clean` reports it and stops it, `off` watches nothing.
 */
export type LeakMode = 'warn' | 'clean' | 'off'

/** What the dev server tells the browser runtime, through the generated registry module. */
export interface RegistryConfig {
  /** A hash of the Vite root: state of two projects on one origin never mixes. */
  project: string
  /** Vite's `base`, to import a plugin's new version again when retrying. */
  base: string
  retry: RetryPolicy
  /** `reload`: save state and reload the page once; `hot-only`: offer the reload instead. */
  fallback: FallbackMode
  /** Failures in a row of one plugin before the fallback (0: never). */
  failuresBeforeFallback: number
  /** Whether saves swap plugins in, until changed at runtime. */
  enabled: boolean
  state: {
    persist: boolean
    restoreOnReload: RestoreOnReload
  }
  /** The devtools panel; `false` mounts nothing. Absent: the default panel. */
  overlay?: OverlayConfig
  /** Whether the plugins depending on a swapped plugin stop and start again against it. Absent: true. */
  reloadDependents?: boolean
  /** The leak report after every teardown. Absent: `warn`. */
  leaks?: LeakMode
  /** Why remote dev servers' plugins are missing from this page (a remote not reachable, or refusing), one line per remote. */
  remoteProblems?: string[]
}

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

/**
 * Every default of `hotPlugins()`, in one place: the server fills in the user's options from here,
 * and the browser runtime falls back to the same values when it is given no config.
 */
export const DEFAULTS = {
  plugins: 'src/plugins/*/index.{ts,tsx,js,jsx,mts,mjs}',
  state: { persist: true, restoreOnReload: 'auto' as RestoreOnReload },
  retry: DEFAULT_RETRY,
  fallback: 'reload' as FallbackMode,
  failuresBeforeFallback: 3,
  enabled: true,
  include: ['**'] as readonly string[],
  exclude: DEFAULT_EXCLUDE,
  overlay: DEFAULT_OVERLAY,
  /** Quiet time of a batch of saves, in ms: `first` after a save on its own, else at least `min`, at most `max`. */
  debounce: { first: 0, min: 5, max: 100 },
  reloadDependents: true,
  leaks: 'warn' as LeakMode,
  /** Whether this project's plugins are served to hosts on other dev servers. */
  expose: false,
  /** The dev servers whose plugins join this project's (their URLs). */
  remotes: [] as readonly string[],
  /** The production feed: the file `vite build` writes, and how `followFeed` checks it. */
  feed: {
    file: 'hot-plugins.json',
    /** Between two checks of a visible page, in ms. */
    intervalMs: 60_000,
    /** Between two checks while every page following the feed is hidden, in ms. */
    hiddenIntervalMs: 300_000,
    /** Spread of each interval (0.2: ±20%), so that tabs opened together do not check together. */
    jitter: 0.2,
    /** A bigger feed is refused, in bytes. */
    maxBytes: 1_000_000,
    /** After a failed check: first delay, longest delay, in ms (doubling in between). */
    retry: { initialDelayMs: 5_000, maxDelayMs: 600_000 },
    /** A request of the feed unanswered after this long counts as failed, in ms. */
    checkTimeoutMs: 30_000,
    /** The longest a check waits for the swaps, starts and stops of a feed, in ms. */
    settleTimeoutMs: 60_000,
  },
} as const

/** The config the browser runtime uses when the registry module passes none (tests, hand-made registries). */
export const DEFAULT_REGISTRY_CONFIG: RegistryConfig = {
  project: 'default',
  base: '/',
  retry: DEFAULTS.retry,
  fallback: DEFAULTS.fallback,
  failuresBeforeFallback: DEFAULTS.failuresBeforeFallback,
  enabled: DEFAULTS.enabled,
  state: { ...DEFAULTS.state },
  reloadDependents: DEFAULTS.reloadDependents,
  leaks: DEFAULTS.leaks,
}
