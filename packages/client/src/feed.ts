/**
 * The production entry of the client (`@hot-plugins/client/feed`): a built app follows the feed
 * its deploys publish (`hot-plugins.json`) and swaps new plugin versions in with their state,
 * through the same engine as a dev swap. Apps that never import it carry none of it.
 */
import type { PluginHost } from './host/host.js'
import { consoleLogger } from './host/logger.js'
import { later } from './host/timers.js'
import { pageClock } from './browser/page-clock.js'
import { DEFAULTS } from './protocol/index.js'
import { FeedError, parseUrl } from './sources/feed/feed-manifest.js'
import { follow, type Feed } from './sources/feed/follow.js'
import { feedLeadership, feedTabs, pageVisibility } from './browser/feed-tabs.js'
import { verifiedImporter } from './browser/feed-verify/verified-import.js'

export type { FeedApplied, FeedPluginOutcome } from './sources/feed/feed-source.js'
export type { Feed, FeedCheck } from './sources/feed/follow.js'
export type { FeedChunk, FeedManifest, FeedPlugin } from './protocol/index.js'

export interface FollowFeedOptions {
  /** The feed's URL (`hot-plugins.json` of a build), absolute or relative to the page. */
  url: string
  /**
   * Time between two checks while a page following the feed is visible, in ms (each one jittered).
   * @default 60000
   */
  intervalMs?: number
  /**
   * Time between two checks while every page following the feed is hidden, in ms.
   * @default 300000
   */
  hiddenIntervalMs?: number
  /**
   * Origins other than the page's whose feeds may be followed (a plugin project on its own CDN),
   * e.g. `['https://plugins.example.com']`. A feed of any other origin is refused.
   * @default []
   */
  allowOrigins?: string[]
  /**
   * A bigger feed is refused, in bytes.
   * @default 1000000
   */
  maxBytes?: number
  /**
   * One tab of the browser checks and tells the others (a Web Lock and a BroadcastChannel); `false`:
   * every tab checks on its own.
   * @default true
   */
  shareAcrossTabs?: boolean
  /**
   * The nonce of the page's Content Security Policy (`script-src 'nonce-…'`), given to the import
   * map that carries each new chunk's integrity in WebKit (Safari): Chromium and Firefox verify
   * through module preloads and need none. Without it the nonce Vite writes for `html.cspNonce` is
   * used; where a CSP blocks the import map, WebKit refuses new versions (the old ones run on).
   * @default the `nonce` of `<meta property="csp-nonce">`, if the page has one
   */
  nonce?: string
}

/**
 * Follows a feed: checks it now, then at a jittered interval (a conditional request: an unchanged
 * feed costs a `304`); new versions of the host's plugins are verified against the feed's
 * integrity before any of their code runs, then swapped in with their state, a deploy's changes in
 * one batch, in dependency order, rolled back when one fails; new plugins start, removed ones stop.
 * Call it after `host.start(plugins)`. A refused feed or chunk is logged; the page keeps running.
 */
export function followFeed(host: PluginHost, options: FollowFeedOptions): Feed {
  const feedUrl = resolveFeedUrl(options)
  if (feedUrl instanceof FeedError) {
    consoleLogger.error(feedUrl.message)
    return { check: () => Promise.resolve({ status: 'failed', error: feedUrl }), stop: () => {} }
  }
  const shared = options.shareAcrossTabs !== false
  return follow(host, {
    feedUrl,
    fetchFeed: (url, headers) => fetch(url, { headers, cache: 'no-store', credentials: 'same-origin' }),
    load: verifiedImporter({ nonce: options.nonce }),
    timers: { now: pageClock.elapsed, later },
    random: Math.random,
    intervalMs: options.intervalMs ?? DEFAULTS.feed.intervalMs,
    hiddenIntervalMs: options.hiddenIntervalMs ?? DEFAULTS.feed.hiddenIntervalMs,
    jitter: DEFAULTS.feed.jitter,
    maxBytes: options.maxBytes ?? DEFAULTS.feed.maxBytes,
    retry: DEFAULTS.feed.retry,
    checkTimeoutMs: DEFAULTS.feed.checkTimeoutMs,
    settleTimeoutMs: DEFAULTS.feed.settleTimeoutMs,
    tabs: shared ? feedTabs(feedUrl) : undefined,
    leadership: shared ? feedLeadership(feedUrl) : undefined,
    visibility: pageVisibility,
  })
}

/** The feed's absolute URL, or why it is refused: an origin that is neither the page's nor allowed. */
function resolveFeedUrl(options: FollowFeedOptions): string | FeedError {
  try {
    const url = parseUrl(options.url, location.href, 'followFeed(host, { url })')
    const allowed = [location.origin, ...(options.allowOrigins ?? []).map((origin) => parseUrl(origin, undefined, 'followFeed(host, { allowOrigins })').origin)]
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return new FeedError(`followFeed: the feed ${url.href} is not an http(s) URL; refused`)
    if (!allowed.includes(url.origin)) {
      return new FeedError(`followFeed: the feed ${url.href} is of another origin (${url.origin}) than the page's, and not in allowOrigins; refused`)
    }
    return url.href
  } catch (error) {
    return error instanceof FeedError ? error : new FeedError(String(error))
  }
}
