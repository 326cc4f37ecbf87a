import type { HotPayload } from 'vite'

/** How long a prefetched module's request waits for its update before it gets the empty module. */
export const PREFETCH_HOLD_MS = 5000

/**
 * A save whose update imports more modules than this fetches none of them ahead. Held until the
 * update goes out, each keeps one of the browser's six connections to the dev server busy. And a
 * prefetch pays only when it takes the update's whole fetch off the swap's critical path: when
 * most of the modules come after the update anyway (a helper of 50 plugins), the fetch is bound by
 * what the dev server and the page get through on their cores, and the page's work for the
 * prefetch only slows the compile check it runs beside (`pnpm bench`: through one helper of 50
 * plugins, 1.06× plain with the first 4 modules fetched ahead, 1.01× with none).
 */
export const PREFETCH_MAX_MODULES = 4

/** What a held request gets: the module (as any request does), or an empty module no update imports. */
export type PrefetchAnswer = 'module' | 'empty'

/** Modules the page imports by `url?t=…` in an update (Vite adds `import&` for others: not fetched ahead). */
const IMPORTED_AS_IS = /\.(?:[cm]?[jt]sx?|vue|svelte|astro|marko|imba|mdx)$/

interface Hold {
  answer: Promise<PrefetchAnswer>
  give(answer: PrefetchAnswer): void
  requests: string[]
  timer: ReturnType<typeof setTimeout>
}

/**
 * Lets the page fetch the new modules of a save while the dev server still checks that it compiles.
 *
 * A save's update only goes out once its check passed, and the page then spends milliseconds on
 * the request for the new module: the two come one after the other on a swap's critical path. So
 * as the check starts, the page is told the URLs its update will import (`?t=` the save's
 * timestamp) and fetches them with a module preload, which parses a module without running it.
 * Their requests wait here:
 * - once Vite's update with that timestamp went out, each is served as any request (from the
 *   check's transform when it is current) and Vite's `import()` of the same URL takes the module
 *   from the page's module map;
 * - a save with no update of its own (refused, overtaken by a newer save, or carried by another
 *   change of its batch) gets an empty module at that URL, which nothing ever imports: no version
 *   that failed its check reaches the page, and no request transforms it a second time.
 * Requests are served only after the update went out, so that every module the update invalidates
 * has its new timestamp: a module of a batch that imports another module of the batch is
 * transformed then with the right URLs.
 */
export function createUpdatePrefetch(options: { base: string; send(urls: string[]): void; holdMs?: number }) {
  const holdMs = options.holdMs ?? PREFETCH_HOLD_MS
  const byTimestamp = new Map<number, Hold>()
  const byRequest = new Map<string, Hold>()

  const settle = (timestamp: number, answer: PrefetchAnswer): void => {
    const hold = byTimestamp.get(timestamp)
    if (!hold) return
    byTimestamp.delete(timestamp)
    clearTimeout(hold.timer)
    hold.give(answer)
    const forget = () => {
      for (const request of hold.requests) if (byRequest.get(request) === hold) byRequest.delete(request)
    }
    // A prefetch that comes late (a busy tab) still gets the empty module; the served ones are
    // requests as any other from now on.
    if (answer === 'module') forget()
    else setTimeout(forget, holdMs).unref()
  }

  return {
    /** A plugin file saved at `timestamp` is being checked: the page may fetch these modules (URLs without base) ahead, if they are few enough. */
    announce(timestamp: number, urls: readonly string[]): void {
      const requests = [...new Set(urls)].filter((url) => url.startsWith('/') && IMPORTED_AS_IS.test(url)).map((url) => `${url}?t=${timestamp}`)
      if (requests.length === 0 || requests.length > PREFETCH_MAX_MODULES || byTimestamp.has(timestamp)) return
      let give!: (answer: PrefetchAnswer) => void
      const answer = new Promise<PrefetchAnswer>((resolve) => (give = resolve))
      const timer = setTimeout(() => settle(timestamp, 'empty'), holdMs)
      timer.unref()
      const hold: Hold = { answer, give, requests, timer }
      byTimestamp.set(timestamp, hold)
      for (const request of requests) byRequest.set(request, hold)
      options.send(requests.map((request) => `${options.base}${request.slice(1)}`))
    },
    /** The save stamped `timestamp` was handled; `updating`: its own update follows (Vite sends it). */
    handled(timestamp: number, updating: boolean): void {
      if (!updating) settle(timestamp, 'empty')
    },
    /** The update of the save stamped `timestamp` went out (its modules have their new `?t=`): its prefetches are served. */
    sent(timestamp: number): void {
      settle(timestamp, 'module')
    },
    /** A payload Vite sent to the pages: an update with a save's timestamp releases its prefetches. */
    observed(payload: HotPayload): void {
      if (payload.type !== 'update') return
      for (const timestamp of new Set(payload.updates.map((update) => update.timestamp))) settle(timestamp, 'module')
    },
    /** What the request for `url` (without base, with its query) waits for, when it is a prefetch not yet answered. */
    held(url: string): Promise<PrefetchAnswer> | undefined {
      return byRequest.get(url)?.answer
    },
    dispose(): void {
      for (const timestamp of [...byTimestamp.keys()]) settle(timestamp, 'empty')
    },
  }
}

export type UpdatePrefetch = ReturnType<typeof createUpdatePrefetch>

/** The empty module a prefetch of a version that no update imports gets. */
export const EMPTY_MODULE = '// hot-plugins: no update imports this version (its save was refused, overtaken or carried by another)\nexport {}\n'
