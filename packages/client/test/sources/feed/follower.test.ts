import { describe, expect, it } from 'vitest'
import type { CheckOutcome } from '../../../src/sources/feed/feed-check.js'
import { FeedError } from '../../../src/sources/feed/feed-manifest.js'
import { createFollower, type FollowerOptions } from '../../../src/sources/feed/follower.js'
import { memoryLogger } from '../../helpers.js'
import { fakeBrowser, fakeTimers } from './fake-tabs.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** A feed server in memory: counts requests, answers 304 to the current ETag. */
function feedServer() {
  let version = 1
  const requests: number[] = []
  let down = false
  return {
    requests,
    deploy: () => void version++,
    setDown: (value: boolean) => void (down = value),
    check(timers: { now(): number }) {
      return async (etag: string | undefined): Promise<CheckOutcome> => {
        requests.push(timers.now())
        if (down) return { kind: 'failed', error: new FeedError('the feed /f.json answered HTTP 503'), transient: true }
        const current = `"v${version}"`
        return etag === current ? { kind: 'unchanged' } : { kind: 'changed', text: `feed v${version}`, etag: current }
      }
    },
  }
}

function followerOf(timers: ReturnType<typeof fakeTimers>, server: ReturnType<typeof feedServer>, more: Partial<FollowerOptions> = {}) {
  const applied: string[] = []
  const { logger, lines } = memoryLogger()
  const follower = createFollower({
    feedUrl: '/f.json',
    check: server.check(timers),
    apply: async (text) => void applied.push(text),
    timers,
    random: Math.random,
    logger,
    intervalMs: MINUTE,
    hiddenIntervalMs: 5 * MINUTE,
    jitter: 0.2,
    retry: { initialDelayMs: 5_000, maxDelayMs: 10 * MINUTE },
    checkTimeoutMs: 30_000,
    ...more,
  })
  return { follower, applied, lines }
}

describe('createFollower', () => {
  it('checks at once, then every interval ±jitter, and applies a text only when it changed', async () => {
    const timers = fakeTimers()
    const server = feedServer()
    const { applied } = followerOf(timers, server)
    await timers.settle()
    expect(server.requests).toEqual([0])
    await timers.advance(HOUR)
    const gaps = server.requests.slice(1).map((at, i) => at - server.requests[i]!)
    expect(gaps.length).toBeGreaterThanOrEqual(49)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0.8 * MINUTE)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1.2 * MINUTE)
    expect(applied).toEqual(['feed v1'])
    server.deploy()
    await timers.advance(1.2 * MINUTE)
    expect(applied).toEqual(['feed v1', 'feed v2'])
  })

  it('a server without ETags: the same text again is unchanged, and not applied again', async () => {
    const timers = fakeTimers()
    const { follower, applied } = followerOf(timers, feedServer(), { check: async () => ({ kind: 'changed', text: 'same', etag: undefined }) })
    await timers.settle()
    expect(await follower.checkNow()).toEqual({ kind: 'unchanged' })
    expect(applied).toEqual(['same'])
  })

  it('a check asked for while one is under way checks again after it: it tells what the feed says now', async () => {
    const timers = fakeTimers()
    const server = feedServer()
    const answer = server.check(timers)
    let hold: Promise<void> | undefined
    const check = async (etag: string | undefined) => {
      const outcome = await answer(etag)
      await hold
      return outcome
    }
    const { follower, applied } = followerOf(timers, server, { check })
    await timers.settle()
    expect(applied).toEqual(['feed v1'])
    // A check is under way (it read v1's ETag: unchanged) when a deploy lands and the page asks.
    let release = () => {}
    hold = new Promise((resolve) => (release = resolve))
    const underWay = follower.checkNow()
    await timers.settle()
    hold = undefined
    server.deploy()
    const asked = follower.checkNow()
    release()
    expect(await underWay).toEqual({ kind: 'unchanged' })
    expect(await asked).toMatchObject({ kind: 'changed', text: 'feed v2' })
    expect(applied).toEqual(['feed v1', 'feed v2'])
  })

  it('an apply that never ends does not stop the polling: the next deploys are checked and applied', async () => {
    const timers = fakeTimers()
    const server = feedServer()
    const applied: string[] = []
    const { follower } = followerOf(timers, server, { random: () => 0.5, apply: (text) => (applied.push(text), new Promise<never>(() => {})) })
    await timers.settle()
    expect(applied).toEqual(['feed v1'])
    server.deploy()
    expect(await follower.checkNow()).toMatchObject({ kind: 'changed', text: 'feed v2' })
    server.deploy()
    await timers.advance(MINUTE)
    expect(applied).toEqual(['feed v1', 'feed v2', 'feed v3'])
    expect(server.requests).toEqual([0, 0, MINUTE])
  })

  it('a request that never answers ends after checkTimeoutMs, counted as failed, and the polling goes on', async () => {
    const timers = fakeTimers()
    const server = feedServer()
    const answer = server.check(timers)
    const asked: number[] = []
    let hang = true
    const { applied, lines } = followerOf(timers, server, { random: () => 0.5, check: (etag) => (asked.push(timers.now()), hang ? new Promise<never>(() => {}) : answer(etag)) })
    await timers.advance(30_000)
    expect(lines.map((l) => l.message)).toEqual(['the feed /f.json did not answer within 30000 ms; the plugins keep running; checking again with backoff, quietly until it answers'])
    hang = false
    await timers.advance(5_000)
    expect(asked).toEqual([0, 35_000])
    expect(applied).toEqual(['feed v1'])
  })

  it('checks less often while the page is hidden, and at once when it shows after a long while', async () => {
    const timers = fakeTimers()
    const server = feedServer()
    let hidden = true
    let changed = () => {}
    followerOf(timers, server, { random: () => 0.5, visibility: { hidden: () => hidden, onChange: (handler) => ((changed = handler), () => {}) } })
    await timers.advance(HOUR + 2 * MINUTE)
    // At 0, then every 5 minutes.
    expect(server.requests).toEqual(Array.from({ length: 13 }, (_, i) => i * 5 * MINUTE))
    const before = server.requests.length
    hidden = false
    changed()
    await timers.settle()
    expect(server.requests.length).toBe(before + 1)
  })

  it('while the feed is down: backoff, doubling up to the cap, one warning; one line when it answers again', async () => {
    const timers = fakeTimers()
    const server = feedServer()
    server.setDown(true)
    const { lines } = followerOf(timers, server)
    await timers.advance(HOUR)
    const gaps = server.requests.slice(1).map((at, i) => at - server.requests[i]!)
    ;[1, 2, 4, 8].forEach((n, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(0.8 * n * 5_000)
      expect(gaps[i]).toBeLessThanOrEqual(1.2 * n * 5_000)
    })
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1.2 * 10 * MINUTE)
    expect(server.requests.length).toBeLessThan(20)
    expect(lines).toEqual([{ level: 'warn', message: expect.stringMatching(/^the feed \/f\.json answered HTTP 503; the plugins keep running; checking again with backoff/), error: undefined }])
    server.setDown(false)
    await timers.advance(12 * MINUTE)
    expect(lines.at(-1)).toEqual({ level: 'info', message: 'the feed /f.json answers again' })
  })
})

describe('tabs of one browser share one follower', () => {
  /** Opens `count` tabs at once (each on its own timers' clock, the browser's). */
  function openTabs(count: number) {
    const timers = fakeTimers()
    const server = feedServer()
    const browser = fakeBrowser()
    const tabs = Array.from({ length: count }, () => followerOf(timers, server, browser.tab()))
    return { timers, server, browser, tabs }
  }

  it('20 tabs of one browser for an hour make the requests of one, and every tab applies each new feed', async () => {
    const { timers, server, tabs } = openTabs(20)
    await timers.advance(30 * MINUTE)
    server.deploy()
    await timers.advance(30 * MINUTE)
    // One tab's checks: 1 at start + ~60 in the hour (interval ±20%).
    expect(server.requests.length).toBeGreaterThanOrEqual(50)
    expect(server.requests.length).toBeLessThanOrEqual(76)
    for (const tab of tabs) expect(tab.applied).toEqual(['feed v1', 'feed v2'])
  })

  it('1000 tabs in 250 browsers make the requests of 250 followers: about 4 a second', async () => {
    const timers = fakeTimers()
    const server = feedServer()
    for (let b = 0; b < 250; b++) {
      const browser = fakeBrowser()
      // One visible tab per browser, as one window shows one tab.
      for (let t = 0; t < 4; t++) followerOf(timers, server, { ...browser.tab(), visibility: { hidden: () => t > 0, onChange: () => () => {} } })
    }
    await timers.advance(HOUR)
    const perSecond = server.requests.filter((at) => at > 10 * MINUTE).length / (50 * 60)
    expect(perSecond).toBeGreaterThan(250 / 60 - 0.5)
    expect(perSecond).toBeLessThan(250 / 60 + 0.5)
  })

  it('when the checking tab closes, the next one checks on, at the same rate', async () => {
    const { timers, server, browser, tabs } = openTabs(10)
    await timers.advance(10 * MINUTE)
    const first = browser.holder()
    tabs[first!]!.follower.stop()
    await timers.settle()
    expect(browser.holder()).not.toBe(first)
    await timers.advance(50 * MINUTE)
    expect(server.requests.length).toBeGreaterThanOrEqual(50)
    expect(server.requests.length).toBeLessThanOrEqual(77)
  })

  it('a hidden checking tab keeps the visible interval while another tab of the browser is visible', async () => {
    const timers = fakeTimers()
    const server = feedServer()
    const browser = fakeBrowser()
    const never = () => () => {}
    followerOf(timers, server, { ...browser.tab(), visibility: { hidden: () => true, onChange: never } })
    followerOf(timers, server, { ...browser.tab(), visibility: { hidden: () => false, onChange: never } })
    await timers.advance(HOUR)
    expect(server.requests.length).toBeGreaterThanOrEqual(50)
    const alone = feedServer()
    followerOf(timers, alone, { ...fakeBrowser().tab(), visibility: { hidden: () => true, onChange: never } })
    await timers.advance(HOUR)
    expect(alone.requests.length).toBeLessThanOrEqual(16)
  })

  it('a tab opened later gets the latest feed from the checking tab, without a request', async () => {
    const { timers, server, browser } = openTabs(1)
    await timers.advance(MINUTE / 2)
    const requests = server.requests.length
    const late = followerOf(timers, server, browser.tab())
    await timers.advance(0)
    expect(late.applied).toEqual(['feed v1'])
    expect(server.requests.length).toBe(requests)
  })

  it('without sharing, tabs opened in the same second spread their checks out', async () => {
    const timers = fakeTimers()
    const server = feedServer()
    for (let i = 0; i < 200; i++) followerOf(timers, server)
    await timers.advance(HOUR)
    const lastMinutes = server.requests.filter((at) => at >= 50 * MINUTE)
    const perSecond = new Map<number, number>()
    for (const at of lastMinutes) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1)
    // 200 tabs checking in the same second would be 200; jittered, they spread over tens of seconds.
    expect(Math.max(...perSecond.values())).toBeLessThan(30)
  })
})
