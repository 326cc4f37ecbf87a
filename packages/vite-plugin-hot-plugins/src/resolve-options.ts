import { DEFAULTS, type OverlayConfig, type OverlayPosition, type RestoreOnReload, type RetryPolicy } from '@hot-plugins/client/protocol'
import type { BatchWindow } from './hmr/batcher.js'
import { resolveExpose, resolveRemotes } from './remote/resolve-remote-options.js'
import type { HotPluginsOptions, OverlayOptions, PluginPackages, ResolvedHotPluginsOptions, StateOptions } from './options.js'

const RESTORE_MODES: readonly RestoreOnReload[] = ['auto', 'always', 'never']

/** Validates the user's options and fills in every default. Throws a TypeError naming the bad option. */
export function resolveOptions(options: HotPluginsOptions = {}): ResolvedHotPluginsOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`hotPlugins(options): options must be an object, got ${show(options)}`)
  }
  const { plugins, packages } = resolvePluginSources(options.plugins ?? DEFAULTS.plugins)
  return {
    plugins,
    packages,
    state: resolveState(options.state),
    retry: resolveRetry(options.retry),
    fallback: oneOf('fallback', options.fallback ?? DEFAULTS.fallback, ['reload', 'hot-only'] as const),
    failuresBeforeFallback: wholeNumber('failuresBeforeFallback', options.failuresBeforeFallback ?? DEFAULTS.failuresBeforeFallback),
    enabled: trueOrFalse('enabled', options.enabled ?? DEFAULTS.enabled),
    include: globs('include', options.include ?? [...DEFAULTS.include]),
    exclude: globs('exclude', options.exclude ?? [...DEFAULTS.exclude]),
    overlay: resolveOverlay(options.overlay),
    debounce: resolveDebounce(options.debounce),
    reloadDependents: trueOrFalse('reloadDependents', options.reloadDependents ?? DEFAULTS.reloadDependents),
    leaks: oneOf('leaks', options.leaks ?? DEFAULTS.leaks, ['warn', 'clean', 'off'] as const),
    expose: resolveExpose(options.expose ?? DEFAULTS.expose),
    remotes: resolveRemotes(options.remotes ?? [...DEFAULTS.remotes]),
    feed: resolveFeed(options.feed),
  }
}

function resolveFeed(feed: HotPluginsOptions['feed']): ResolvedHotPluginsOptions['feed'] {
  if (feed === false) return false
  if (feed === undefined || feed === true) return { file: DEFAULTS.feed.file }
  const file = feed !== null && typeof feed === 'object' && !Array.isArray(feed) ? (feed.file ?? DEFAULTS.feed.file) : undefined
  if (typeof file !== 'string' || !/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\\]+\.json$/.test(file)) {
    throw new TypeError(`hotPlugins(options): "feed" must be true, false or { file } with a relative path ending in .json inside the output folder (e.g. '${DEFAULTS.feed.file}'), got ${show(feed)}`)
  }
  return { file }
}

function resolvePluginSources(raw: NonNullable<HotPluginsOptions['plugins']>): { plugins: string[]; packages: string[] } {
  const sources = Array.isArray(raw) ? raw : [raw]
  if (sources.length === 0) {
    throw new TypeError(
      `hotPlugins(options): "plugins" must be a glob, { packages }, or a non-empty array of them naming plugin entry files (e.g. '${DEFAULTS.plugins}'), got ${show(raw)}`,
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
  if (debounce === undefined) return { ...DEFAULTS.debounce }
  if (typeof debounce === 'number') {
    const ms = wholeNumber('debounce', debounce)
    return { first: ms, min: ms, max: ms }
  }
  if (debounce === null || typeof debounce !== 'object' || Array.isArray(debounce)) {
    throw new TypeError(`hotPlugins(options): "debounce" must be a number of ms or an object like { min: 5, max: 100 }, got ${show(debounce)}`)
  }
  const min = wholeNumber('debounce.min', debounce.min ?? DEFAULTS.debounce.min)
  const max = wholeNumber('debounce.max', debounce.max ?? Math.max(min, DEFAULTS.debounce.max))
  if (max < min) throw new TypeError(`hotPlugins(options): "debounce.max" (${max}) must not be less than "debounce.min" (${min})`)
  // A window of your own (`min` given) is kept for a save on its own too, unless `first` says otherwise.
  const first = wholeNumber('debounce.first', debounce.first ?? (debounce.min === undefined ? DEFAULTS.debounce.first : min))
  if (first > max) throw new TypeError(`hotPlugins(options): "debounce.first" (${first}) must not be more than "debounce.max" (${max})`)
  return { first, min, max }
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
  if (overlay === undefined || overlay === true) return { ...DEFAULTS.overlay }
  if (overlay === null || typeof overlay !== 'object' || Array.isArray(overlay)) {
    throw new TypeError(`hotPlugins(options): "overlay" must be true, false or an object like { position: 'top-left' }, got ${show(overlay)}`)
  }
  const open = overlay.open ?? DEFAULTS.overlay.open
  if (typeof open !== 'boolean') {
    throw new TypeError(`hotPlugins(options): "overlay.open" must be true or false, got ${show(open)}`)
  }
  const badge = overlay.badge ?? DEFAULTS.overlay.badge
  if (badge !== 'auto' && typeof badge !== 'boolean') {
    throw new TypeError(`hotPlugins(options): "overlay.badge" must be true, false or 'auto', got ${show(badge)}`)
  }
  return { position: oneOf('overlay.position', overlay.position ?? DEFAULTS.overlay.position, OVERLAY_POSITIONS), open, badge }
}

function resolveRetry(retry: Partial<RetryPolicy> | undefined): RetryPolicy {
  if (retry !== undefined && (retry === null || typeof retry !== 'object' || Array.isArray(retry))) {
    throw new TypeError(`hotPlugins(options): "retry" must be an object like { attempts: 3 }, got ${show(retry)}`)
  }
  const merged = { ...DEFAULTS.retry, ...retry }
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
  const persist = trueOrFalse('state.persist', state?.persist ?? DEFAULTS.state.persist)
  const restoreOnReload = state?.restoreOnReload ?? DEFAULTS.state.restoreOnReload
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
