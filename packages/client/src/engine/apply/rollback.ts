import type { HostCore } from '../../host/core.js'
import type { PluginError } from '../../host/errors.js'
import type { PluginRecord } from '../../host/records.js'
import { giveState, owe, type TakenState } from '../state/handoff.js'
import { batchOf, reportFailure, type BatchOutcome, type SwapTrigger } from './outcomes.js'
import type { Slot } from './plan.js'
import type { PluginModule, ReloadInfo } from '../../host/types.js'

/**
 * One plugin of the batch failed: what started stops, and every plugin of the batch resumes its
 * previous version with the state it had. The failing member is reported; the other members' new
 * versions are held back, to come with the next batch.
 */
export async function rollBackBatch(
  core: HostCore,
  slots: readonly Slot[],
  failure: { slot: Slot; error: PluginError },
  trigger: SwapTrigger,
): Promise<BatchOutcome> {
  for (const slot of [...slots].reverse()) {
    // It never went live: what its teardown forgot is stopped too (nodes, timers, listeners).
    if (slot.started) await core.deactivate(slot.record, slot.next, slot.teardown, 'discarded')
  }
  const culprit = failure.slot.record
  for (const slot of slots) {
    await rollBack(core, slot.record, slot.previous, slot.own)
    if (slot.record.status === 'reloading') slot.record.status = 'idle'
    core.events.emit('rolled-back', { id: slot.record.id, file: slot.record.file, because: culprit.id, ...batchOf(trigger) })
  }
  const results = [reportFailure(core, culprit, failure.error, 'rolled-back', trigger)]
  const heldBack = slots.filter((slot) => slot.member && slot !== failure.slot).map((slot) => slot.record.id)
  for (const id of heldBack) {
    const record = core.records.get(id)!
    core.warn(record, `its new version waits: it came in one batch with "${culprit.id}", which failed; the previous version runs until the batch applies`)
  }
  return { results, heldBack }
}

/**
 * Brings the previous module back with the state it had. If that state cannot be given back, the
 * previous version runs without it and the state is owed to the next version; if the previous
 * version cannot even be activated, nothing of the plugin runs and its state is owed all the same.
 */
export async function rollBack(core: HostCore, record: PluginRecord, previous: PluginModule, state: TakenState): Promise<void> {
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
