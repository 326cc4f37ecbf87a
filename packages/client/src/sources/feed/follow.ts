import { createEngine } from '../../engine/engine.js'
import type { HostCore, HotSource } from '../../host/core.js'
import { attachHotSource, type PluginHost } from '../../host/host.js'
import { consoleLogger } from '../../host/logger.js'
import type { Logger, PluginModule } from '../../host/types.js'
import { HOT_SOURCE_SYMBOL_KEY } from '../../protocol/index.js'
import { checkFeed, type CheckOutcome, type FetchFeed } from './feed-check.js'
import { parseFeed, type ResolvedFeedPlugin } from './feed-manifest.js'
import { feedSource, type FeedApplied } from './feed-source.js'
import { createFollower, type FeedTabs, type FollowerTimers, type Leadership, type Visibility } from './follower.js'

/** What a check did. */
export type FeedCheck =
  | { status: 'unchanged' }
  | ({ status: 'applied' } & FeedApplied)
  | { status: 'failed'; error: Error }

/** A followed feed. */
export interface Feed {
  /** Checks the feed now and applies what changed; resolves once every swap, start and stop ran. */
  check(): Promise<FeedCheck>
  /** Stops following (the plugins keep running what they run). */
  stop(): void
}

/** What following a feed needs from where it runs (the browser's adapters, or a test's). */
export interface FollowDeps {
  /** Absolute, its origin allowed. */
  feedUrl: string
  fetchFeed: FetchFeed
  /** Verifies a plugin's chunks and imports its entry (browser/verified-import.ts). */
  load(plugin: ResolvedFeedPlugin): Promise<PluginModule>
  timers: FollowerTimers
  random: () => number
  intervalMs: number
  hiddenIntervalMs: number
  jitter: number
  maxBytes: number
  retry: { initialDelayMs: number; maxDelayMs: number }
  tabs?: FeedTabs | undefined
  leadership?: Leadership | undefined
  visibility?: Visibility | undefined
}

/**
 * Joins a started host to an engine fed by the feed, and follows it: every text of the feed the
 * checking tab finds (or hears of) is parsed and applied, one after another.
 */
export function follow(host: PluginHost, deps: FollowDeps): Feed {
  const cores = new Set<HostCore>()
  let logger: Logger = consoleLogger
  const source = feedSource({
    feedUrl: deps.feedUrl,
    load: deps.load,
    running: (id) => [...cores].map((core) => core.records.get(id)?.module).find((m) => m !== undefined),
    now: deps.timers.now,
  })
  const engine = createEngine(source.declarations, source, {
    onAttach(core) {
      cores.add(core)
      logger = core.logger
    },
    // In production a failure never reloads the page: the old version runs on, the failure reported.
    recovery: { failuresBeforeFallback: 0, importModule: (url) => source.importModule(url) },
  })
  attachHotSource(host, (engine.entries as unknown as Record<symbol, HotSource>)[Symbol.for(HOT_SOURCE_SYMBOL_KEY)]!)

  let applied: Promise<FeedCheck> = Promise.resolve({ status: 'unchanged' })
  const apply = (text: string): Promise<FeedCheck> => {
    applied = applied.then(async (): Promise<FeedCheck> => {
      try {
        return { status: 'applied', ...(await source.apply(parseFeed(text, deps.feedUrl, deps.maxBytes))) }
      } catch (error) {
        const refused = error instanceof Error ? error : new Error(String(error))
        logger.error(`${refused.message}; the feed is refused, the plugins keep running what they run`)
        return { status: 'failed', error: refused }
      }
    })
    return applied
  }
  const follower = createFollower({
    ...deps,
    check: (etag) => checkFeed(deps.fetchFeed, deps.feedUrl, etag, deps.maxBytes),
    apply,
    get logger() {
      return logger
    },
  })
  return {
    async check() {
      const outcome: CheckOutcome = await follower.checkNow()
      if (outcome.kind === 'failed') return { status: 'failed', error: outcome.error }
      if (outcome.kind === 'unchanged') return { status: 'unchanged' }
      return applied
    },
    stop: () => follower.stop(),
  }
}
