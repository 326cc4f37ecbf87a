import type { Summary } from './stats'
import type { PhaseTimes } from './trace'

/** A goal from the issue: reported, never asserted. */
export interface Goal {
  text: string
  met: boolean
}

export interface Ratio {
  p50: number
  p90: number
}

/** The midpoint estimate of page clock − Node clock, and the round trip it came from (a check, not a correction). */
export interface ClockCheck {
  offsetMs: number
  rttMs: number
}

/** Edits made (warm-up included) and how many times new code took over on each side. */
export interface UpdateCount {
  edits: number
  [side: string]: number
}

export interface SingleResult {
  ours: Summary
  plain: Summary
  /** The same edit of a React component under Fast Refresh, its state in `useState`. */
  fastRefresh: Summary
  ratio: Ratio
  /** ours ÷ Fast Refresh */
  ratioToFastRefresh: Ratio
  /** Where the time of the kept samples went: per phase, the median time after the save. */
  trace: { ours: PhaseTimes; plain: PhaseTimes; fastRefresh: PhaseTimes }
  updates: UpdateCount
  clockCheck: { ours: ClockCheck; plain: ClockCheck }
  goal: Goal
}

/** The same edit in two configurations of ours: `on` (the feature measured) and `off`. */
export interface OnOffResult {
  on: Summary
  off: Summary
  /** on ÷ off */
  ratio: Ratio
  /** on − off */
  p50DiffMs: number
  p90DiffMs: number
  updates: UpdateCount
  goal: Goal
}

/** IndexedDB persistence on and off. */
export interface PersistResult extends OnOffResult {
  /** Records the page's IndexedDB holds after the run: the write-behind did happen (on), or not (off). */
  savedRecords: { on: number; off: number }
}

export interface BatchWay {
  ours: Summary
  plain: Summary
  ratio: Ratio
  /** Per round: how many plugins got new code (ours: host `reload-completed` events; plain: re-evaluations). */
  updatesPerRound: { ours: number[]; plain: number[] }
  /** Whether, in every round, every plugin got new code exactly once. */
  exactlyOncePerPlugin: { ours: boolean; plain: boolean }
}

export interface BatchResult {
  plugins: number
  /** One helper imported by every plugin is edited. */
  helper: BatchWay
  /** Every plugin's entry file is written at once. */
  files: BatchWay
  goal: Goal
}

export interface ColdStart {
  /** createServer() + listen(), cold (no dependency cache): the starts with a first load and those alone. */
  serverStartMs: Summary
  /** page.goto() until every plugin is active. */
  firstLoadMs: Summary
  /** Both, of the starts with a first load. */
  totalMs: Summary
}

export interface ScaleResult {
  plugins: number
  ours: ColdStart
  plain: ColdStart
  /** ours ÷ plain, of the p50s. */
  ratio: { serverStart: number; firstLoad: number; total: number }
  goal: Goal
}

export interface Leftovers {
  /** Old plugin instances still reachable after garbage collection. */
  instances: number
  /** Interval timers still running beyond those of the running instance. */
  intervals: number
  /** Pending timeouts beyond those before the soak. */
  timeouts: number
  /** Listeners on window and document beyond those before the soak. */
  globalListeners: number
  /** Plugin elements in the document beyond the running instance's. */
  domNodes: number
  /** Change of live DOM nodes (Chromium's count, after garbage collection), attached or not. */
  liveNodesDelta: number
  /** Change of JS event listeners (Chromium's count, after garbage collection). */
  jsEventListenersDelta: number
}

export interface SoakSide {
  swapMs: Summary
  /** p50 of the first and of the last 100 swaps: does a swap get slower as they pile up? */
  firstHundredP50: number
  lastHundredP50: number
  leftovers: Leftovers
  /** JS heap in use after garbage collection, before and after the swaps. */
  heap: {
    beforeBytes: number
    afterBytes: number
    growthBytes: number
    perSwapBytes: number
    /**
     * What grew, per swap, in heap snapshots taken with the two readings (self sizes by node type
     * and name; snapshots also count the engine's native objects, so they add up to more).
     */
    snapshotGrowthPerSwap: { kind: string; bytes: number; count: number }[]
  }
}

export interface SoakResult {
  swaps: number
  updates: UpdateCount
  /** ours ÷ plain, of the swap times. */
  ratio: Ratio
  ours: SoakSide
  plain: SoakSide
  goal: Goal
}

/** A built app following its feed: a new version of a plugin of `chunkBytes` swapped in per sample. */
export interface FeedResult {
  chunkBytes: number
  feedBytes: number
  /** `feed.check()` → the new version runs with its state, in the page. */
  swap: Summary
  /** `feed.check()` of an unchanged feed (a 304). */
  unchanged: Summary
  /** swap ÷ unchanged, of the p50s. */
  ratio: number
}

export interface Results {
  generatedAt: string
  profile: string
  machine: {
    cpus: number
    cpuModel: string
    node: string
    chromium: string
    vite: string
    loadAverage: { start: number[]; end: number[] }
  }
  durationS: number
  scenarios: {
    single?: SingleResult
    persist?: PersistResult
    /** The default batch window (on) and `debounce: 0` (off). */
    debounce?: OnOffResult
    batch?: BatchResult
    scale?: ScaleResult
    soak?: SoakResult
    feed?: FeedResult
  }
}
