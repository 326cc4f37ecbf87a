import type { PluginModule } from '../host/types.js'
import type { PendingUpdate } from './update-tracker.js'

/** A new version, or why there is none. */
export type Outcome = { module: PluginModule } | { error: unknown }

/** A plugin's new version (or failure) as it arrives, with the update it ends. */
export interface Arrival {
  id: string
  update: PendingUpdate | undefined
  outcome: Outcome
}

/** A new version not applied because another plugin of its batch failed: it joins the next batch. */
export interface HeldVersion {
  id: string
  module: PluginModule
  generation: number | undefined
  files: readonly string[]
}

/** What goes to the hosts at once: the arrivals of one batch (or a lone one), and the versions held back before. */
export interface AssembledBatch {
  batch: number | undefined
  arrivals: readonly Arrival[]
  held: readonly HeldVersion[]
}

/** A batch announced by the source: applied once every plugin's new version (or failure) is in. */
interface OpenBatch {
  id: number
  waiting: Set<string>
  arrived: Arrival[]
  cancelTimer: () => void
}

export interface BatchAssemblerOptions {
  apply(batch: AssembledBatch): void
  /** How long a batch waits for all its versions before the rest applies without the missing ones. */
  waitMs: number
  /** Runs `task` after `ms`; returns what cancels it. */
  later(task: () => void, ms: number): () => void
}

export type BatchAssembler = ReturnType<typeof createBatchAssembler>

/**
 * Gathers the new versions of a batch and hands them over together, with the versions held back
 * from an earlier batch. A version that belongs to no open batch goes at once, alone.
 */
export function createBatchAssembler(options: BatchAssemblerOptions) {
  const open: OpenBatch[] = []
  const heldBack = new Map<string, HeldVersion>()

  const apply = (batch: number | undefined, arrivals: readonly Arrival[]): void => {
    // A newer arrival of a held-back plugin replaces the held version.
    const held = [...heldBack.values()].filter((h) => !arrivals.some((a) => a.id === h.id))
    heldBack.clear()
    options.apply({ batch, arrivals, held })
  }
  const close = (batch: OpenBatch): void => {
    const index = open.indexOf(batch)
    if (index < 0) return
    open.splice(index, 1)
    batch.cancelTimer()
    if (batch.arrived.length > 0) apply(batch.id, batch.arrived)
  }

  return {
    /** The source announced batch `id` of these plugins. */
    open(id: number, plugins: readonly string[]): void {
      const batch: OpenBatch = { id, waiting: new Set(plugins), arrived: [], cancelTimer: () => {} }
      // Should a version never arrive (the page reloads instead, or an update was dropped), the
      // rest of the batch still applies.
      batch.cancelTimer = options.later(() => close(batch), options.waitMs)
      open.push(batch)
    },
    /** A new version (or why there is none) arrived: into its batch, handed over when the batch is complete. */
    deliver(arrival: Arrival): void {
      const batch = open.find((b) => b.waiting.has(arrival.id))
      if (!batch) return apply(undefined, [arrival])
      batch.waiting.delete(arrival.id)
      batch.arrived.push(arrival)
      if (batch.waiting.size === 0) close(batch)
    },
    /** These versions wait for the next batch. */
    holdBack(versions: readonly HeldVersion[]): void {
      for (const version of versions) heldBack.set(version.id, version)
    },
  }
}
