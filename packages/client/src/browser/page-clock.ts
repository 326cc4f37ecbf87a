/**
 * The two clocks an event is stamped with. Events replayed after the devtools loaded carry the
 * times they happened at, not the time of the replay.
 */
export interface EventClock {
  /** Monotonic, in ms: how long a reload took. */
  elapsed(): number
  /** Wall clock, in ms since the epoch: when a history entry happened. */
  wall(): number
}

/** The page's clocks. */
export const pageClock: EventClock = { elapsed: () => performance.now(), wall: () => Date.now() }
