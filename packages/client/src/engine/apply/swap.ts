import type { ReloadResult } from '../../protocol/index.js'
import type { HostCore } from '../../host/core.js'
import type { PluginError } from '../../host/errors.js'
import type { ReloadPhases } from '../../host/events.js'
import { fitState, giveState, stateForNext, takeState } from '../state/handoff.js'
import { reportStarted, reportSwapped, type BatchOutcome, type SwapTrigger } from './outcomes.js'
import { planBatch, type LiveMember, type Slot } from './plan.js'
import { rollBackBatch } from './rollback.js'

/**
 * Swaps the running members of a batch, all or nothing: the plan's plugins stop, last first (each
 * one's `getReloadState()`, then its teardown); then they start, dependencies first (the new
 * version's `activate(ctx)`, the same version for a dependent, then `setReloadState`). If one of
 * them throws, the batch rolls back (rollback.ts).
 */
export async function swapBatch(core: HostCore, live: readonly LiveMember[], trigger: SwapTrigger): Promise<BatchOutcome> {
  const appliedAt = core.now()
  const slots = planBatch(core, live, trigger.reloadDependents !== false)
  for (const slot of slots) reportStarted(core, slot.record, trigger, slot.via)
  const phases: ReloadPhases = { importMs: Math.max(0, appliedAt - trigger.startedAt), teardownMs: 0, activateMs: 0, stateMs: 0 }
  await stopAll(core, slots, phases)
  const failure = await startAll(core, slots, phases)
  if (failure) return rollBackBatch(core, slots, failure, trigger)
  return { results: commitAll(core, slots, trigger, phases), heldBack: [] }
}

/** Stops every plugin of the plan, last first, taking its state. */
async function stopAll(core: HostCore, slots: readonly Slot[], phases: ReloadPhases): Promise<void> {
  const mark = core.now()
  for (const slot of [...slots].reverse()) {
    slot.record.status = 'reloading'
    slot.own = await takeState(core, slot.record, slot.previous)
    // A dependent starts again with the same code: what it owes waits for a new version of it.
    slot.state = slot.member ? stateForNext(slot.record, slot.own) : slot.own
    await core.deactivate(slot.record, slot.previous, slot.record.teardown)
    slot.record.teardown = undefined
  }
  phases.teardownMs = core.now() - mark
}

/** Starts every plugin of the plan, dependencies first, with its state; stops at the first that throws. */
async function startAll(core: HostCore, slots: readonly Slot[], phases: ReloadPhases): Promise<{ slot: Slot; error: PluginError } | undefined> {
  for (const slot of slots) {
    slot.handed = slot.member ? fitState(core, slot.record, slot.state, slot.next) : slot.state
    let mark = core.now()
    try {
      slot.teardown = await core.activate(slot.record, slot.next)
    } catch (error) {
      return { slot, error: error as PluginError }
    } finally {
      phases.activateMs += core.now() - mark
    }
    slot.started = true
    mark = core.now()
    try {
      await giveState(core, slot.record, slot.next, slot.handed, {
        reason: 'hot-swap',
        fromVersion: slot.state.pluginVersion,
        fromStateVersion: slot.state.stateVersion,
      })
    } catch (error) {
      return { slot, error: error as PluginError }
    } finally {
      phases.stateMs += core.now() - mark
    }
  }
  return undefined
}

/** Every plugin of the plan runs its next instance: the records say so, state is persisted, the swap announced. */
function commitAll(core: HostCore, slots: readonly Slot[], trigger: SwapTrigger, phases: ReloadPhases): ReloadResult[] {
  const durationMs = core.now() - trigger.startedAt
  return slots.map((slot) => {
    const { record, next, handed } = slot
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
    if (handed.has) core.stateHooks?.handedOver(record, next, handed.value)
    return reportSwapped(core, slot, trigger, { durationMs, phases })
  })
}
