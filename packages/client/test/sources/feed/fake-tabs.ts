import type { FeedMessage, FeedTabs, FollowerTimers, Leadership } from '../../../src/sources/feed/follower.js'

/** Timers the test moves by hand; `advance` runs every task due, in order, letting promises settle after each. */
export function fakeTimers(start = 0) {
  let time = start
  let tasks: { at: number; task: () => void }[] = []
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve))
  const timers: FollowerTimers & { advance(ms: number): Promise<void>; settle(): Promise<void> } = {
    now: () => time,
    later(task, ms) {
      const entry = { at: time + ms, task }
      tasks.push(entry)
      return () => void (tasks = tasks.filter((t) => t !== entry))
    },
    async advance(ms) {
      const end = time + ms
      for (;;) {
        await settle()
        const next = tasks.reduce<(typeof tasks)[number] | undefined>((first, task) => (first && first.at <= task.at ? first : task), undefined)
        if (!next || next.at > end) break
        tasks.splice(tasks.indexOf(next), 1)
        time = next.at
        next.task()
        await settle()
      }
      time = end
      await settle()
    },
    settle,
  }
  return timers
}

/**
 * The tabs of one browser: a channel that delivers a message to every other tab (as a
 * BroadcastChannel does, asynchronously), and a lock held by one tab at a time, the next waiting
 * tab getting it when it lets go (as a Web Lock).
 */
export function fakeBrowser() {
  const listeners = new Set<{ handler: (message: FeedMessage) => void; tab: number }>()
  const waiting: { tab: number; onLeader: () => void }[] = []
  let holder: number | undefined
  let nextTab = 0
  const grant = () => {
    if (holder !== undefined) return
    const next = waiting.shift()
    if (!next) return
    holder = next.tab
    queueMicrotask(next.onLeader)
  }
  const messages: FeedMessage[] = []
  return {
    messages,
    holder: () => holder,
    /** A new tab's side of the channel and of the lock. */
    tab(): { tabs: FeedTabs; leadership: Leadership } {
      const tab = nextTab++
      return {
        tabs: {
          post(message) {
            messages.push(message)
            for (const listener of [...listeners]) if (listener.tab !== tab) queueMicrotask(() => listener.handler(structuredClone(message)))
          },
          listen(handler) {
            const listener = { handler, tab }
            listeners.add(listener)
            return () => void listeners.delete(listener)
          },
        },
        leadership(onLeader) {
          waiting.push({ tab, onLeader })
          grant()
          return () => {
            const index = waiting.findIndex((w) => w.tab === tab)
            if (index >= 0) waiting.splice(index, 1)
            if (holder === tab) {
              holder = undefined
              grant()
            }
          }
        },
      }
    },
  }
}
