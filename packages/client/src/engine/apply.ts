import type { ReloadResult } from '../protocol/index.js'
import { PluginError } from '../host/errors.js'
import type { ReloadPhases } from '../host/events.js'
import type { HostCore } from '../host/core.js'
import type { PluginRecord } from '../host/records.js'
import { parkedState, parkIfWaiting, unpark } from '../host/start-order.js'
import { runningDependencyNodes } from '../graph/dependencies.js'
import { dependentsOf, orderByDependencies } from '../graph/order.js'
import { fitState, giveState, keptStateGiver, NO_STATE, owe, stateForNext, takeState, type TakenState } from './state/handoff.js'
import { startWaiting } from './runtime-entries.js'
import { estimateSize } from './state/size.js'
import type { PluginModule, ReloadInfo, Teardown } from '../host/types.js'

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
}

/** A plugin of a batch and the new version it brings. */
export interface BatchMember {
  id: string
  module: PluginModule
  /** True once a newer version of the plugin is queued: this one is then skipped. */
  superseded?: () => boolean
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
 * Swaps a batch of plugins at once, all or nothing. Every member's new module has already been
 * imported and evaluated. The members and the running plugins that depend on them stop, last
 * first: each one's `getReloadState()`, then its teardown. Then they start, dependencies first:
 * the new version's `activate(ctx)` (the same version for a dependent), then `setReloadState`. If
 * any of them throws, what started is torn down and every plugin of the batch resumes its previous
 * version with the state it had. Resolves to what happened; never rejects.
 */
export function hotSwapBatch(core: HostCore, members: readonly BatchMember[], trigger: SwapTrigger): Promise<BatchOutcome> {
  return core.enqueue(async () => {
    const results: ReloadResult[] = []
    const live: { record: PluginRecord; next: PluginModule }[] = []
    for (const member of members) {
      const record = core.records.get(member.id)
      if (!record || member.superseded?.() || live.some((l) => l.record === record)) continue
      if (!core.hotReload.enabled(member.id)) {
        core.hotReload.skip(member.id)
        continue
      }
      if (typeof member.module.activate !== 'function') {
        core.events.emit('reload-started', { id: record.id, file: record.file, files: trigger.files })
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
    return swapAll(core, live, trigger, results)
  })
}

/** One plugin the batch stops and starts again. */
interface Slot {
  record: PluginRecord
  previous: PluginModule
  next: PluginModule
  /** A member of the batch (else a dependent, started again with the same version). */
  member: boolean
  /** For a dependent: the member it depends on. */
  via: string | undefined
  /** What the running instance had: given back on a rollback. */
  own: TakenState
  /** What the next instance gets: for a member, the state the plugin owes, if any, else `own`. */
  state: TakenState
  handed: TakenState
  teardown: Teardown | undefined
  started: boolean
}

async function swapAll(
  core: HostCore,
  live: { record: PluginRecord; next: PluginModule }[],
  trigger: SwapTrigger,
  results: ReloadResult[],
): Promise<BatchOutcome> {
  const { events, now } = core
  const appliedAt = now()
  const slots = planBatch(core, live, trigger.reloadDependents !== false)
  for (const slot of slots) {
    const { id, file } = slot.record
    events.emit('reload-started', { id, file, files: trigger.files, ...(slot.via === undefined ? {} : { via: slot.via }), ...batchOf(trigger) })
  }

  // Stop, last first.
  const phases: ReloadPhases = { importMs: Math.max(0, appliedAt - trigger.startedAt), teardownMs: 0, activateMs: 0, stateMs: 0 }
  let mark = now()
  for (const slot of [...slots].reverse()) {
    slot.record.status = 'reloading'
    slot.own = await takeState(core, slot.record, slot.previous)
    // A dependent starts again with the same code: what it owes waits for a new version of it.
    slot.state = slot.member ? stateForNext(slot.record, slot.own) : slot.own
    await core.deactivate(slot.record, slot.previous, slot.record.teardown)
    slot.record.teardown = undefined
  }
  phases.teardownMs = now() - mark

  // Start, dependencies first.
  let failure: { slot: Slot; error: PluginError } | undefined
  for (const slot of slots) {
    slot.handed = slot.member ? fitState(core, slot.record, slot.state, slot.next) : slot.state
    mark = now()
    try {
      slot.teardown = await core.activate(slot.record, slot.next)
    } catch (error) {
      failure = { slot, error: error as PluginError }
      break
    } finally {
      phases.activateMs += now() - mark
    }
    slot.started = true
    mark = now()
    try {
      await giveState(core, slot.record, slot.next, slot.handed, {
        reason: 'hot-swap',
        fromVersion: slot.state.pluginVersion,
        fromStateVersion: slot.state.stateVersion,
      })
    } catch (error) {
      failure = { slot, error: error as PluginError }
      break
    } finally {
      phases.stateMs += now() - mark
    }
  }
  if (failure) return rollBackBatch(core, slots, failure, trigger, results)

  const durationMs = now() - trigger.startedAt
  for (const slot of slots) {
    const { record, next, handed } = slot
    const ref = { id: record.id, file: record.file }
    record.module = next
    record.teardown = slot.teardown
    record.version = next.meta?.version
    record.status = 'idle'
    record.error = undefined
    record.reloadCount += 1
    record.lastReloadMs = durationMs
    // The new version took what the plugin owed (or it was set aside: it fits no more).
    if (slot.member) {
      record.owed = undefined
      // The real file runs again.
      record.lastGood = undefined
    }
    const stateBytes = handed.has ? estimateSize(handed.value) : undefined
    if (handed.has) {
      core.stateHooks?.handedOver(record, next, handed.value)
      events.emit('state-preserved', { ...ref, ...(stateBytes === undefined ? {} : { stateBytes }), ...batchOf(trigger) })
    }
    events.emit('reload-completed', {
      ...ref,
      version: record.version,
      files: trigger.files,
      durationMs,
      stateKept: handed.has,
      reloadCount: record.reloadCount,
      phases,
      ...(stateBytes === undefined ? {} : { stateBytes }),
      ...(slot.via === undefined ? {} : { via: slot.via }),
      ...batchOf(trigger),
    })
    results.push({ ...ref, outcome: 'swapped', durationMs, stateKept: handed.has, ...(slot.via === undefined ? {} : { via: slot.via }) })
  }
  return { results, heldBack: [] }
}

/** The members and the running plugins that depend on them, dependencies first. */
function planBatch(core: HostCore, live: { record: PluginRecord; next: PluginModule }[], withDependents: boolean): Slot[] {
  const nextById = new Map(live.map((l) => [l.record.id, l.next]))
  const nodes = runningDependencyNodes(core.records.values(), nextById)
  const via = new Map<string, string>()
  for (const { record } of withDependents ? live : []) {
    for (const dependent of dependentsOf(record.id, nodes)) if (!nextById.has(dependent) && !via.has(dependent)) via.set(dependent, record.id)
  }
  const ids = new Set([...nextById.keys(), ...via.keys()])
  const { order, blocked } = orderByDependencies(
    nodes.filter((n) => ids.has(n.id)).map((n) => ({ id: n.id, dependsOn: n.dependsOn.filter((dep) => ids.has(dep)) })),
  )
  // A new version that makes a cycle still gets its chance (and fails on its own): last.
  return [...order, ...blocked.keys()].map((id) => {
    const record = core.records.get(id)!
    const previous = record.module!
    return {
      record,
      previous,
      next: nextById.get(id) ?? previous,
      member: nextById.has(id),
      via: via.get(id),
      own: NO_STATE,
      state: NO_STATE,
      handed: NO_STATE,
      teardown: undefined,
      started: false,
    }
  })
}

/**
 * One plugin of the batch failed: what started stops, and every plugin of the batch resumes its
 * previous version with the state it had. The failing member is reported; the other members' new
 * versions are held back, to come with the next batch.
 */
async function rollBackBatch(
  core: HostCore,
  slots: Slot[],
  failure: { slot: Slot; error: PluginError },
  trigger: SwapTrigger,
  results: ReloadResult[],
): Promise<BatchOutcome> {
  for (const slot of [...slots].reverse()) {
    if (slot.started) await core.deactivate(slot.record, slot.next, slot.teardown)
  }
  const culprit = failure.slot.record
  for (const slot of slots) {
    await rollBack(core, slot.record, slot.previous, slot.own)
    if (slot.record.status === 'reloading') slot.record.status = 'idle'
    core.events.emit('rolled-back', { id: slot.record.id, file: slot.record.file, because: culprit.id, ...batchOf(trigger) })
  }
  results.push(reportFailure(core, culprit, failure.error, 'rolled-back', trigger))
  const heldBack = slots.filter((slot) => slot.member && slot !== failure.slot).map((slot) => slot.record.id)
  for (const id of heldBack) {
    const record = core.records.get(id)!
    core.warn(record, `its new version waits: it came in one batch with "${culprit.id}", which failed; the previous version runs until the batch applies`)
  }
  return { results, heldBack }
}

const batchOf = (trigger: SwapTrigger): { batch?: number } => (trigger.batch === undefined ? {} : { batch: trigger.batch })

/**
 * Reports that a new version never arrived (its import failed: a syntax error, a failed fetch, a
 * throw while evaluating). The running instance is not touched.
 */
export function reportImportFailure(
  core: HostCore,
  id: string,
  trigger: SwapTrigger,
  cause?: unknown,
): Promise<ReloadResult | undefined> {
  return core.enqueue(async () => {
    const record = core.records.get(id)
    // A version that failed but is already replaced by a newer one is no news.
    if (!record || trigger.superseded?.()) return undefined
    const detail =
      'its new code failed to load (a syntax error, a failed import, or a throw while evaluating; ' +
      "see Vite's error overlay and the console)" +
      (record.module ? '; the previous version keeps running' : '')
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
    const error = new PluginError(record.id, record.file, 'compile', Object.assign(new Error(cause.message), { frame: cause.frame }))
    core.events.emit('reload-started', { id: record.id, file: record.file, files: trigger.files })
    return reportFailure(core, record, error, 'kept-old', trigger)
  })
}

/**
 * A plugin that does not run (its start failed, or it waits on a dependency) got a new version:
 * it starts with it, through the host's activation path, with the state it kept, and the plugins
 * waiting for it start after it.
 */
async function startWithNewVersion(core: HostCore, record: PluginRecord, next: PluginModule, trigger: SwapTrigger): Promise<ReloadResult> {
  const ref = { id: record.id, file: record.file }
  core.events.emit('reload-started', { ...ref, files: trigger.files })
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
 * Brings the previous module back with the state it had. If that state cannot be given back, the
 * previous version runs without it and the state is owed to the next version; if the previous
 * version cannot even be activated, nothing of the plugin runs and its state is owed all the same.
 */
async function rollBack(
  core: HostCore,
  record: PluginRecord,
  previous: PluginModule,
  state: TakenState,
): Promise<void> {
  const info: ReloadInfo = {
    reason: 'rollback',
    fromVersion: previous.meta?.version,
    fromStateVersion: previous.meta?.stateVersion,
  }
  try {
    record.teardown = await core.activate(record, previous)
  } catch (error) {
    // The old version worked before this swap; if it cannot come back, nothing of the plugin runs.
    record.module = undefined
    record.teardown = undefined
    record.status = 'failed'
    owe(record, state)
    core.logger.error(`plugin "${record.id}" (${record.file}): the previous version could not be restored; its state is kept for its next version`, error)
    return
  }
  record.module = previous
  try {
    await giveState(core, record, previous, state, info)
  } catch (error) {
    owe(record, state)
    core.warn(record, `${(error as PluginError).reason} on the rollback; the previous version runs without its state, which is kept for its next version`, error)
  }
}

function reportFailure(
  core: HostCore,
  record: PluginRecord,
  error: PluginError,
  outcome: 'kept-old' | 'rolled-back',
  trigger: SwapTrigger,
): ReloadResult {
  record.error = error
  record.status = record.module ? 'rolled-back' : 'failed'
  const ref = { id: record.id, file: record.file }
  core.logger.error(error.message, error.cause)
  core.events.emit('reload-failed', { ...ref, files: trigger.files, error, outcome, ...batchOf(trigger) })
  return { ...ref, outcome, durationMs: core.now() - trigger.startedAt, stateKept: false, error: error.message }
}
