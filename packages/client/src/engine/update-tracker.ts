/** Anything with a clock: a host, as the tracker sees it. */
export interface Clocked {
  now(): number
}

/** What is known of a plugin's update between its announcement and the arrival of its new version. */
export interface PendingUpdate {
  files: Set<string>
  /** When the update began, on each host's clock: the import is part of a swap's duration. */
  startedAt: Map<Clocked, number>
  /** The source's name for the version (Vite's timestamp), to import it again. */
  timestamp?: number
  /** The plugin's generation when the update was announced. */
  generation?: number
}

/** The data the tracker keeps, by plugin id. */
export interface UpdateTracking {
  readonly pending: Map<string, PendingUpdate>
  /**
   * Each change of a plugin starts a new generation: a version overtaken by a newer save (in a
   * storm, versions queue up behind a running swap) is neither swapped in nor reported as failed.
   */
  readonly generation: Map<string, number>
  /** The newest timestamp of each plugin's versions: a retry of an older one stops. */
  readonly latestTimestamp: Map<string, number>
}

export type UpdateTracker = ReturnType<typeof createUpdateTracker>

/** Tracks every plugin's updates: pending ones, generations, the newest version's timestamp. */
export function createUpdateTracker(
  hosts: Iterable<Clocked>,
  data: UpdateTracking = { pending: new Map(), generation: new Map(), latestTimestamp: new Map() },
) {
  const { pending, generation, latestTimestamp } = data

  const pendingFor = (id: string): PendingUpdate => {
    let update = pending.get(id)
    if (!update) pending.set(id, (update = { files: new Set(), startedAt: new Map() }))
    return update
  }
  const markStarted = (id: string): PendingUpdate => {
    const update = pendingFor(id)
    for (const host of hosts) if (!update.startedAt.has(host)) update.startedAt.set(host, host.now())
    return update
  }
  const nextGeneration = (id: string): number => {
    const value = (generation.get(id) ?? 0) + 1
    generation.set(id, value)
    return value
  }

  return {
    data,
    nextGeneration,
    /** A change of `id` was announced: a new generation; in a storm, its version is not the one to wait for. */
    announced(id: string, files: readonly string[], storm: boolean): void {
      const current = nextGeneration(id)
      const update = markStarted(id)
      for (const file of files) update.files.add(file)
      if (!storm) update.generation = current
    },
    /** The new version of `id` is on its way, named by `timestamp` when the source knows it. */
    coming(id: string, timestamp?: number): void {
      const update = markStarted(id)
      if (timestamp === undefined) return
      update.timestamp = timestamp
      latestTimestamp.set(id, timestamp)
    },
    /** The pending update of `id`, which its arriving version ends. */
    take(id: string): PendingUpdate | undefined {
      const update = pending.get(id)
      pending.delete(id)
      return update
    },
    /** The pending update of `id` ends with no version (its code was refused). */
    drop(id: string): void {
      pending.delete(id)
    },
    /** Whether a newer change of `id` came after the one of `mine`. */
    superseded: (id: string, mine: number | undefined) => (): boolean => generation.get(id) !== mine,
    /**
     * A new update of `id` the engine starts itself (to import its current file): named by a
     * timestamp newer than any before, which makes older retries stop.
     */
    fresh(id: string, wallClock: () => number): PendingUpdate & { timestamp: number } {
      const timestamp = Math.max(wallClock(), (latestTimestamp.get(id) ?? 0) + 1)
      latestTimestamp.set(id, timestamp)
      return { files: new Set(), startedAt: new Map([...hosts].map((host) => [host, host.now()])), timestamp }
    },
    /** Whether the version named `timestamp` is still the newest of `id`. */
    isLatest: (id: string, timestamp: number | undefined): boolean => latestTimestamp.get(id) === timestamp,
  }
}
