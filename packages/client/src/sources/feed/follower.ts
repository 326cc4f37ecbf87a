import { backoffDelay } from '../../engine/recovery/policy.js'
import type { Logger } from '../../host/types.js'
import type { CheckOutcome } from './feed-check.js'
import { FeedError } from './feed-manifest.js'

/** What the tabs following one feed tell each other. */
export type FeedMessage =
  /** The feed's latest text (with its ETag): every tab applies it. */
  | { type: 'feed'; text: string; etag: string | undefined }
  /** A tab just started: the checking tab sends the latest text. */
  | { type: 'hello' }
  /** A tab is visible (`woke`: it just became so): the checking tab keeps the visible interval. */
  | { type: 'visible'; woke: boolean }

/** The tabs of this browser that follow the same feed (a BroadcastChannel: never delivers to the sender). */
export interface FeedTabs {
  post(message: FeedMessage): void
  listen(handler: (message: FeedMessage) => void): () => void
}

/** One tab of the browser at a time checks (a Web Lock): `onLeader` runs once this tab holds it. Returns what lets go. */
export type Leadership = (onLeader: () => void) => () => void

export interface Visibility {
  hidden(): boolean
  onChange(handler: () => void): () => void
}

export interface FollowerTimers {
  now(): number
  /** Runs `task` after `ms`; returns what cancels it. */
  later(task: () => void, ms: number): () => void
}

export interface FollowerOptions {
  feedUrl: string
  /** One conditional request, with the ETag of the last answer. */
  check(etag: string | undefined): Promise<CheckOutcome>
  /** Applies a text of the feed (parse, swap); never rejects. The checks go on while it runs: they never wait for it. */
  apply(text: string): Promise<unknown>
  timers: FollowerTimers
  random: () => number
  logger: Logger
  intervalMs: number
  hiddenIntervalMs: number
  jitter: number
  retry: { initialDelayMs: number; maxDelayMs: number }
  /** A request unanswered after this long counts as failed (and is retried with backoff): a hung request never stops the checks. */
  checkTimeoutMs: number
  /** Absent: this tab checks on its own. */
  tabs?: FeedTabs
  leadership?: Leadership
  /** Absent: the page counts as visible. */
  visibility?: Visibility
}

export interface Follower {
  /** Checks now (whichever tab checks otherwise), applies what changed, tells the other tabs. */
  checkNow(): Promise<CheckOutcome>
  stop(): void
}

/** What the checking part and the tabs' part of a follower share. */
interface FollowerState {
  leader: boolean
  stopped: boolean
  etag: string | undefined
  lastText: string | undefined
  /** Until when another tab said it is visible. */
  visibleUntil: number
  lastCheckAt: number
}

/**
 * Follows a feed: the one tab of the browser that holds the leadership checks it, at a jittered
 * interval (longer while no following tab is visible), with backoff while it fails (warned once,
 * then quiet until it answers again); every tab applies each new text the checking tab passes on.
 */
export function createFollower(options: FollowerOptions): Follower {
  const { timers, tabs } = options
  const state: FollowerState = { leader: !options.leadership, stopped: false, etag: undefined, lastText: undefined, visibleUntil: -Infinity, lastCheckAt: -Infinity }
  const visible = () => !options.visibility?.hidden()
  const take = async (text: string, tag: string | undefined): Promise<void> => {
    state.etag = tag
    if (text === state.lastText) return
    state.lastText = text
    await options.apply(text)
  }
  const checks = createChecks(options, state, take, visible)

  // Tabs opened together (a browser restoring its session) get one answer between them.
  let answering = false
  const answer = () => {
    if (answering || state.lastText === undefined) return
    answering = true
    timers.later(() => {
      answering = false
      if (!state.stopped && state.lastText !== undefined) tabs?.post({ type: 'feed', text: state.lastText, etag: state.etag })
    }, 0)
  }
  const unlisten = tabs?.listen((message) => {
    if (state.stopped) return
    if (message.type === 'feed') void take(message.text, message.etag)
    else if (message.type === 'hello' && state.leader) answer()
    else if (message.type === 'visible' && state.leader) {
      state.visibleUntil = timers.now() + options.intervalMs * 1.5
      if (message.woke && checks.stale()) void checks.run()
    }
  })
  // A visible tab that does not check says so, each interval: the checking tab may be hidden.
  let cancelHeartbeat = () => {}
  const heartbeat = (woke: boolean) => {
    cancelHeartbeat()
    if (state.stopped || state.leader || !visible()) return
    tabs?.post({ type: 'visible', woke })
    cancelHeartbeat = timers.later(() => heartbeat(false), options.intervalMs)
  }
  const unwatch = options.visibility?.onChange(() => {
    if (!visible()) return
    if (state.leader && checks.stale()) void checks.run()
    else heartbeat(true)
  })
  const letGo = options.leadership?.((): void => {
    if (state.stopped) return
    state.leader = true
    cancelHeartbeat()
    void checks.run()
  })
  if (state.leader) void checks.run()
  else {
    tabs?.post({ type: 'hello' })
    heartbeat(false)
  }

  return {
    checkNow: checks.runFresh,
    stop() {
      state.stopped = true
      checks.cancel()
      cancelHeartbeat()
      unlisten?.()
      unwatch?.()
      letGo?.()
    },
  }
}

/** The checks of the feed: one at a time, the next one scheduled after each while this tab leads. */
function createChecks(
  options: FollowerOptions,
  state: FollowerState,
  take: (text: string, etag: string | undefined) => Promise<void>,
  visible: () => boolean,
) {
  const { timers } = options
  let failures = 0
  let cancelTimer = () => {}
  let inFlight: Promise<CheckOutcome> | undefined
  const jittered = (ms: number) => Math.round(ms * (1 + options.jitter * (2 * options.random() - 1)))
  const nextDelay = () => {
    if (failures > 0) return retryDelay(failures, options)
    return jittered(visible() || timers.now() < state.visibleUntil ? options.intervalMs : options.hiddenIntervalMs)
  }
  const schedule = () => {
    cancelTimer()
    if (state.leader && !state.stopped) cancelTimer = timers.later(() => void run(), nextDelay())
  }
  const settle = async (outcome: CheckOutcome): Promise<void> => {
    state.lastCheckAt = timers.now()
    if (outcome.kind === 'failed') {
      failures++
      if (failures === 1) options.logger.warn(`${outcome.error.message}; the plugins keep running; checking again with backoff, quietly until it answers`)
      return
    }
    if (failures > 0) options.logger.info(`the feed ${options.feedUrl} answers again`)
    failures = 0
    if (outcome.kind === 'changed') {
      if (outcome.text !== state.lastText) options.tabs?.post({ type: 'feed', text: outcome.text, etag: outcome.etag })
      // Applied in the background: a swap that never ends must not stop the next checks.
      void take(outcome.text, outcome.etag)
    }
  }
  const request = (): Promise<CheckOutcome> =>
    new Promise((resolve) => {
      const cancel = timers.later(() => {
        const error = new FeedError(`the feed ${options.feedUrl} did not answer within ${options.checkTimeoutMs} ms`)
        resolve({ kind: 'failed', error, transient: true })
      }, options.checkTimeoutMs)
      void options.check(state.etag).then(
        (outcome) => (cancel(), resolve(outcome)),
        (error: unknown) => (cancel(), resolve({ kind: 'failed', error: error instanceof Error ? error : new FeedError(String(error)), transient: true })),
      )
    })
  const run = (): Promise<CheckOutcome> => {
    inFlight ??= (async () => {
      cancelTimer()
      const before = state.lastText
      const outcome = await request()
      if (!state.stopped) await settle(outcome)
      // A server that sends no ETag answers with the same text: nothing changed.
      const unchanged: CheckOutcome = { kind: 'unchanged' }
      return outcome.kind === 'changed' && outcome.text === before ? unchanged : outcome
    })().finally(() => {
      inFlight = undefined
      schedule()
    })
    return inFlight
  }
  /**
   * A check asked for now (`feed.check()`): one that is under way may have read the feed before
   * the call, so a fresh one follows it and tells what the feed says now.
   */
  const runFresh = (): Promise<CheckOutcome> => (inFlight ? inFlight.then(run, run) : run())
  return {
    run,
    runFresh,
    stale: () => timers.now() - state.lastCheckAt >= options.intervalMs,
    cancel: () => cancelTimer(),
  }
}

/** The delay before retry number `attempt` (1-based): doubling from `retry.initialDelayMs` up to `retry.maxDelayMs`, jittered. */
export function retryDelay(attempt: number, options: Pick<FollowerOptions, 'retry' | 'jitter' | 'random'>): number {
  return backoffDelay(attempt, { ...options.retry, attempts: attempt, factor: 2, jitter: options.jitter }, options.random)
}
