/** How much each scenario measures. `full` is `pnpm bench`; `smoke` runs in `pnpm test`. */
export interface Profile {
  name: 'full' | 'smoke'
  /** Edits per side, after `warmup` unrecorded ones. */
  single: { warmup: number; samples: number }
  persist: { warmup: number; samples: number }
  debounce: { warmup: number; samples: number }
  /** Plugins changed per round; rounds per way of changing them. */
  batch: { plugins: number; warmup: number; rounds: number }
  /**
   * Plugin entries; cold starts with a first page load per side after one unrecorded one; and more
   * server starts alone per side (the start takes some 20 ms, and its spread is of that order).
   */
  scale: { plugins: number; runs: number; starts: number }
  soak: { swaps: number }
  /** New versions deployed to a built app following its feed, after `warmup` unrecorded ones. */
  feed: { warmup: number; samples: number }
}

export const FULL: Profile = {
  name: 'full',
  single: { warmup: 5, samples: 60 },
  persist: { warmup: 5, samples: 60 },
  debounce: { warmup: 5, samples: 60 },
  batch: { plugins: 50, warmup: 2, rounds: 20 },
  scale: { plugins: 1000, runs: 6, starts: 12 },
  soak: { swaps: 500 },
  feed: { warmup: 5, samples: 40 },
}

export const SMOKE: Profile = {
  name: 'smoke',
  single: { warmup: 1, samples: 3 },
  persist: { warmup: 1, samples: 3 },
  debounce: { warmup: 1, samples: 3 },
  batch: { plugins: 50, warmup: 0, rounds: 1 },
  scale: { plugins: 20, runs: 1, starts: 1 },
  soak: { swaps: 10 },
  feed: { warmup: 1, samples: 3 },
}

/**
 * Deliberate pauses (the only fixed waits): between two samples, so that one sample's tail work
 * (our write-behind to IndexedDB, the result sent to the dev server, Vite's logging) never lands in
 * the next; after a batch, the quiet time in which a second swap of any plugin would show.
 */
export const PACE_MS = 40
export const BATCH_QUIET_MS = 250
/**
 * After a server start measured alone, the server closed: the time in which what it began after
 * listening (our discovery and warm-up) ends, so that it never lands in the next start.
 */
export const START_QUIET_MS = 500
