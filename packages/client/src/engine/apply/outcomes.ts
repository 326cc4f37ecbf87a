import type { ReloadResult } from '../../protocol/index.js'
import type { HostCore } from '../../host/core.js'
import type { PluginError } from '../../host/errors.js'
import type { ReloadPhases, SwapRef } from '../../host/events.js'
import type { PluginRecord } from '../../host/records.js'
import { estimateSize } from '../state/size.js'
import type { TakenState } from '../state/handoff.js'

/** What caused a swap, for events and timing. */
export interface SwapTrigger {
  /** Files (relative to the Vite root) whose change produced the new version. */
  files: string[]
  /** When the update began (the clock of the host), so the import is part of the duration. */
  startedAt: number
  /** True once a newer version of the plugin is queued: this swap is then skipped. */
  superseded?: () => boolean
  /** The dev server's number for the batch of changes this swap belongs to. */
  batch?: number
  /** False: the plugins depending on the swapped ones keep running through the swap. @default true */
  reloadDependents?: boolean
  /** The update source that brought the new versions, when it names itself (`'feed'`). */
  source?: string
}

/** What happened to a batch in one host. */
export interface BatchOutcome {
  /** One result per member that was swapped, or failed. */
  results: ReloadResult[]
  /**
   * Members whose new version was not applied because another member of the batch failed: the
   * previous version runs again; the new one should be applied with the next batch.
   */
  heldBack: string[]
}

/**
 * The batch fields of an event: `batch`, present only when the source numbered the batch, and
 * `source`, only when the source names itself.
 */
export const batchOf = (trigger: SwapTrigger): SwapRef => ({
  ...(trigger.batch === undefined ? {} : { batch: trigger.batch }),
  ...(trigger.source === undefined ? {} : { source: trigger.source }),
})

const viaOf = (via: string | undefined): { via?: string } => (via === undefined ? {} : { via })

/**
 * A plugin's new version did not take over: its record says so (`rolled-back` while a version of
 * it runs, else `failed`), the error is logged and announced (`reload-failed`), and the result is
 * what the dev server is told (with `running`: whether a version of the plugin runs at all).
 */
export function reportFailure(
  core: HostCore,
  record: PluginRecord,
  error: PluginError,
  outcome: 'kept-old' | 'rolled-back',
  trigger: SwapTrigger,
): ReloadResult {
  record.error = error
  record.status = record.module ? 'rolled-back' : 'failed'
  const ref = { id: record.id, file: record.file }
  const running = record.module !== undefined
  core.logger.error(error.message, error.cause)
  core.events.emit('reload-failed', { ...ref, files: trigger.files, error, outcome, running, ...batchOf(trigger) })
  return { ...ref, outcome, durationMs: core.now() - trigger.startedAt, stateKept: false, error: error.message, running }
}

/** A plugin of a swapped batch, as it is announced. */
export interface Swapped {
  record: PluginRecord
  /** The state the new instance got. */
  handed: TakenState
  /** For a dependent started again: the member it depends on. */
  via: string | undefined
}

/** Announces that a plugin's new instance runs (`state-preserved` when it got state, `reload-completed`); the result for the dev server. */
export function reportSwapped(
  core: HostCore,
  { record, handed, via }: Swapped,
  trigger: SwapTrigger,
  timing: { durationMs: number; phases: ReloadPhases },
): ReloadResult {
  const ref = { id: record.id, file: record.file }
  const stateBytes = handed.has ? estimateSize(handed.value) : undefined
  const bytes = stateBytes === undefined ? {} : { stateBytes }
  if (handed.has) core.events.emit('state-preserved', { ...ref, ...bytes, ...batchOf(trigger) })
  core.events.emit('reload-completed', {
    ...ref,
    version: record.version,
    files: trigger.files,
    durationMs: timing.durationMs,
    stateKept: handed.has,
    reloadCount: record.reloadCount,
    phases: timing.phases,
    ...bytes,
    ...viaOf(via),
    ...batchOf(trigger),
  })
  return { ...ref, outcome: 'swapped', durationMs: timing.durationMs, stateKept: handed.has, ...viaOf(via) }
}

/** Announces that a plugin of the batch stops for the swap (`reload-started`). */
export function reportStarted(core: HostCore, record: PluginRecord, trigger: SwapTrigger, via?: string): void {
  core.events.emit('reload-started', { id: record.id, file: record.file, files: trigger.files, ...viaOf(via), ...batchOf(trigger) })
}
