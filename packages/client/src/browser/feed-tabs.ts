import { FEED_CHANNEL_PREFIX } from '../protocol/index.js'
import type { FeedMessage, FeedTabs, Leadership, Visibility } from '../sources/feed/follower.js'
import { broadcastTabChannel } from './tab-channel.js'

/** The tabs of this browser following `feedUrl`, over a BroadcastChannel; absent where there is none. */
export function feedTabs(feedUrl: string): FeedTabs | undefined {
  const channel = broadcastTabChannel<FeedMessage>(`${FEED_CHANNEL_PREFIX}${feedUrl}`)
  if (!channel) return undefined
  let listening = true
  return {
    post: (message) => channel.post(message),
    listen(handler) {
      channel.listen((message) => listening && handler(message as FeedMessage))
      return () => void (listening = false)
    },
  }
}

/**
 * One tab of the browser checks the feed: the one that holds a Web Lock named after it, until it
 * closes (the browser then hands the lock to the next tab waiting). Absent without Web Locks.
 */
export function feedLeadership(feedUrl: string): Leadership | undefined {
  if (typeof navigator === 'undefined' || !navigator.locks) return undefined
  return (onLeader) => {
    const controller = new AbortController()
    let release = () => {}
    navigator.locks
      .request(`${FEED_CHANNEL_PREFIX}${feedUrl}`, { signal: controller.signal }, () => {
        onLeader()
        return new Promise<void>((resolve) => (release = resolve))
      })
      .catch(() => {})
    return () => {
      controller.abort()
      release()
    }
  }
}

/** The page's visibility. */
export const pageVisibility: Visibility = {
  hidden: () => document.visibilityState === 'hidden',
  onChange(handler) {
    document.addEventListener('visibilitychange', handler)
    return () => document.removeEventListener('visibilitychange', handler)
  },
}
