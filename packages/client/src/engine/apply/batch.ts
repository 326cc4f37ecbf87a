import type { ReloadResult } from '../../protocol/index.js'
import type { HostCore } from '../../host/core.js'
import { PluginError } from '../../host/errors.js'
import type { PluginRecord } from '../../host/records.js'
import { parkedState, parkIfWaiting, unpark } from '../../host/start-order.js'
import { keptStateGiver, NO_STATE } from '../state/handoff.js'
import { startWaiting } from '../runtime-entries.js'
import { batchOf, reportFailure, type BatchOutcome, type SwapTrigger } from './outcomes.js'
import type { LiveMember } from './plan.js'
import { swapBatch } from './swap.js'
import type { PluginModule } from '../../host/types.js'

export type { BatchOutcome, SwapTrigger } from './outcomes.js'

/** A plugin of a batch and the new version it brings. */
export interface BatchMember {
  id: string
  module: PluginModule
  /** True once a newer version of the plugin is queued: this one is then skipped. */
  superseded?: () => boolean
}

/**
 * Swaps a batch of plugins at once, all or nothing. Every member's new module has already been
 * imported and evaluated. The members and the running plugins that depend on them stop, last
 * first: each one's `getReloadState()`, then its teardown. Then they start, dependencies first:
 * the new version's `activate(ctx)` (the same version for a dependent), then `setReloadState`. If
 * any of them throws, what started is torn down and every plugin of the batch resumes its previous
 * version with the state it had. Members that do not run (a failed start) are started on their
 * own; members whose hot reload is off are skipped (and resume later). Resolves to what happened;
 * never rejects.
 */
export function hotSwapBatch(core: HostCore, members: readonly BatchMember[], trigger: SwapTrigger): Promise<BatchOutcome> {
  return core.enqueue(async () => {
    const results: ReloadResult[] = []
    const live: LiveMember[] = []
    for (const member of members) {
      const record = core.records.get(member.id)
      if (!record || member.superseded?.() || live.some((l) => l.record === record)) continue
      if (!core.hotReload.enabled(member.id)) {
        core.hotReload.skip(member.id)
        continue
      }
      if (typeof member.module.activate !== 'function') {
        core.events.emit('reload-started', { id: record.id, file: record.file, files: trigger.files, ...batchOf(trigger) })
        const error = new PluginError(record.id, record.file, 'import', undefined, 'the new version has no activate() export')
        results.push(reportFailure(core, record, error, 'kept-old', trigger))
        continue
      }
      if (!record.module) {
        results.push(await startWithNewVersion(core, record, member.module, trigger))
        continue
      }
      live.push({ record, next: member.module })
    }
    if (live.length === 0) return { results, heldBack: [] }
    const swapped = await swapBatch(core, live, trigger)
    return { results: [...results, ...swapped.results], heldBack: swapped.heldBack }
  })
}

/**
 * A plugin that does not run (its start failed, or it waits on a dependency) got a new version:
 * it starts with it, through the host's activation path, with the state it kept, and the plugins
 * waiting for it start after it.
 */
async function startWithNewVersion(core: HostCore, record: PluginRecord, next: PluginModule, trigger: SwapTrigger): Promise<ReloadResult> {
  const ref = { id: record.id, file: record.file }
  core.events.emit('reload-started', { ...ref, files: trigger.files, ...batchOf(trigger) })
  const waiting = parkIfWaiting(core, record, next, parkedState(core, record.id) ?? NO_STATE)
  if (waiting) return reportFailure(core, record, waiting, 'kept-old', trigger)
  const parked = parkedState(core, record.id)
  const kept = parked?.has ? parked : record.owed
  let failed: ReloadResult | undefined
  // Its first activation: it gets the state it had when it stopped, or the state saved for it, as at
  // start (e.g. after a fallback reload).
  const started = await core.start(record, next, {
    startedAt: trigger.startedAt,
    giveState: keptStateGiver(core, kept),
    onFailure: (error) => void (failed = reportFailure(core, record, error, 'kept-old', trigger)),
  })
  if (!started) return failed!
  unpark(core, record.id)
  const durationMs = core.now() - trigger.startedAt
  await startWaiting(core, trigger.startedAt)
  return { ...ref, outcome: 'swapped', durationMs, stateKept: kept?.has ?? false }
}

/**
 * Reports that a new version never arrived (its import failed: a syntax error, a failed fetch, a
 * throw while evaluating). The running instance is not touched.
 */
export function reportImportFailure(core: HostCore, id: string, trigger: SwapTrigger, cause?: unknown): Promise<ReloadResult | undefined> {
  return core.enqueue(async () => {
    const record = core.records.get(id)
    // A version that failed but is already replaced by a newer one is no news.
    if (!record || trigger.superseded?.()) return undefined
    // The dev server's source names no source; another one (the feed) says why in `cause`.
    const detail =
      (trigger.source === undefined
        ? "its new code failed to load (a syntax error, a failed import, or a throw while evaluating; see Vite's error overlay and the console)"
        : 'its new version could not be loaded') + (record.module ? '; the previous version keeps running' : '')
    const error = new PluginError(record.id, record.file, 'import', cause, detail)
    return reportFailure(core, record, error, 'kept-old', trigger)
  })
}

/** Reports that the dev server refused a plugin's new code (it does not compile); nothing changes. */
export function reportCompileError(
  core: HostCore,
  id: string,
  trigger: SwapTrigger,
  cause: { message: string; frame?: string },
): Promise<ReloadResult | undefined> {
  return core.enqueue(async () => {
    const record = core.records.get(id)
    if (!record) return undefined
    // A plugin that does not run has no previous version to keep running.
    const detail = record.module ? undefined : 'its new code does not compile'
    const error = new PluginError(record.id, record.file, 'compile', Object.assign(new Error(cause.message), { frame: cause.frame }), detail)
    core.events.emit('reload-started', { id: record.id, file: record.file, files: trigger.files })
    return reportFailure(core, record, error, 'kept-old', trigger)
  })
}
