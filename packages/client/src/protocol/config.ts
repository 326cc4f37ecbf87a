/**
 * What the dev server tells the browser runtime (`RegistryConfig`), and the only copy of every
 * default of `hotPlugins()`: the server's options and the client's fallbacks both read them here.
 */

/** The corner the devtools badge and panel sit in. */
export type OverlayPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'

/** The devtools panel as the browser gets it; `false`: no panel at all. */
export type OverlayConfig = false | { position: OverlayPosition; open: boolean }

export const DEFAULT_OVERLAY: Exclude<OverlayConfig, false> = { position: 'bottom-right', open: false }

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
  /** Quiet time of a batch of saves, in ms: at least `min`, at most `max`. */
  debounce: { min: 5, max: 100 },
  reloadDependents: true,
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
}
