import { createEngine } from '../../engine/engine.js'
import type { HostCore } from '../../host/core.js'
import { attachHotSource, type PluginHost } from '../../host/host.js'
import { consoleLogger } from '../../host/logger.js'
import type { Logger, PluginModule } from '../../host/types.js'
import { checkFeed, type CheckOutcome, type FetchFeed } from './feed-check.js'
import { parseFeed, type ResolvedFeedPlugin } from './feed-manifest.js'
import { feedSource, type FeedApplied } from './feed-source.js'
import { createFollower, retryDelay, type FeedTabs, type FollowerTimers, type Leadership, type Visibility } from './follower.js'

/**
 * What a check did. `unchanged`: the feed is as it was. `applied`: the feed changed; each plugin
 * it changed is in the list of its outcome (only `updated`, `added` and `removed` mean the feed's
 * version runs). `failed`: the feed could not be fetched or was refused; nothing changed.
 */
export type FeedCheck =
  | { status: 'unchanged' }
  | ({ status: 'applied' } & FeedApplied)
  | { status: 'failed'; error: Error }

/** A followed feed. */
export interface Feed {
  /**
   * Checks the feed now and applies what changed; resolves once every swap, start and stop ended
   * (or, for one that has not after `settleTimeoutMs`, names it `pending`); never rejects.
   */
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
  /** A request of the feed unanswered after this long counts as failed. */
  checkTimeoutMs: number
  /** The longest a check waits for the swaps, starts and stops of a feed. */
  settleTimeoutMs: number
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
    known: (id) => [...cores].some((core) => core.records.has(id)),
    now: deps.timers.now,
    later: deps.timers.later,
    settleTimeoutMs: deps.settleTimeoutMs,
  })
  const engine = createEngine(source.declarations, source, {
    onAttach(core) {
      cores.add(core)
      logger = core.logger
    },
    // In production a failure never reloads the page: the old version runs on, the failure reported.
    recovery: { failuresBeforeFallback: 0, importModule: (url) => source.importModule(url) },
  })
  attachHotSource(host, engine.hotSource)

  let applied: Promise<FeedCheck> = Promise.resolve({ status: 'unchanged' })
  let latest: ResolvedFeedPlugin[] = []
  const retry = retryWithBackoff(deps, () => void applyPlugins(latest))
  /** Applies one feed after the other; what could not be fetched is applied again later, quietly. */
  const applyPlugins = (plugins: ResolvedFeedPlugin[] | Error): Promise<FeedCheck> => {
    applied = applied.then(async (): Promise<FeedCheck> => {
      if (plugins instanceof Error) {
        logger.error(`${plugins.message}; the feed is refused, the plugins keep running what they run`)
        return { status: 'failed', error: plugins }
      }
      latest = plugins
      const result = await source.apply(plugins)
      retry(source.fetchAgain())
      return { status: 'applied', ...result }
    }).catch((error: unknown): FeedCheck => {
      // Never left rejected: every later check waits on this one.
      const failure = error instanceof Error ? error : new Error(String(error))
      logger.error(`the feed ${deps.feedUrl} could not be applied (${failure.message}); the plugins keep running what they run`, error)
      return { status: 'failed', error: failure }
    })
    return applied
  }
  const apply = (text: string): Promise<FeedCheck> => {
    let plugins: ResolvedFeedPlugin[] | Error
    try {
      plugins = parseFeed(text, deps.feedUrl, deps.maxBytes)
    } catch (error) {
      plugins = error instanceof Error ? error : new Error(String(error))
    }
    return applyPlugins(plugins)
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
    stop() {
      follower.stop()
      retry(false)
    },
  }
}

/** `retry(true)` schedules `task` after a delay that doubles from one retry to the next; `retry(false)` cancels and resets. */
function retryWithBackoff(deps: Pick<FollowDeps, 'timers' | 'retry' | 'jitter' | 'random'>, task: () => void): (again: boolean) => void {
  let attempts = 0
  let cancel = () => {}
  return (again) => {
    cancel()
    if (!again) {
      attempts = 0
      return
    }
    attempts++
    cancel = deps.timers.later(task, retryDelay(attempts, deps))
  }
}
