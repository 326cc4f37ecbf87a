import { PluginError } from '../../host/errors.js'
import { runAsPlugin } from '../../host/lifecycle.js'
import type { GiveState, HostCore } from '../../host/core.js'
import type { PluginRecord } from '../../host/records.js'
import { adaptState } from './state.js'
import type { PluginModule, ReloadInfo } from '../../host/types.js'
import type { TakenState } from '../../host/state.js'

export type { TakenState } from '../../host/state.js'

export const NO_STATE: TakenState = { has: false, value: undefined, stateVersion: undefined, pluginVersion: undefined }

/** The old instance's state; if its getReloadState throws, the last state saved for it. */
export async function takeState(core: HostCore, record: PluginRecord, module: PluginModule): Promise<TakenState> {
  if (typeof module.getReloadState !== 'function') return NO_STATE
  try {
    return {
      has: true,
      value: module.getReloadState(),
      stateVersion: module.meta?.stateVersion,
      pluginVersion: module.meta?.version,
    }
  } catch (error) {
    const reason = new PluginError(record.id, record.file, 'get-state', error).reason
    const saved = await core.stateHooks?.lastKnown(record)
    if (!saved) {
      core.warn(record, `${reason}; the new version starts without state`, error)
      return NO_STATE
    }
    core.warn(record, `${reason}; the new version gets the last saved state (from ${new Date(saved.savedAt).toISOString()})`, error)
    return { has: true, value: saved.state, stateVersion: saved.stateVersion, pluginVersion: saved.pluginVersion }
  }
}

/** What the next version of a plugin gets: the state it owes (see `PluginRecord.owed`), else its own. */
export function stateForNext(record: PluginRecord, own: TakenState): TakenState {
  return record.owed ?? own
}

/**
 * Giving `state` to the plugin failed: it runs (or will run) without it. Kept as owed, so that the
 * next version gets it and nothing empty is persisted over it; an earlier owed state is kept.
 */
export function owe(record: PluginRecord, state: TakenState): void {
  if (state.has) record.owed ??= state
}

/** The state as the new version expects it (migrated across a stateVersion change), or none. */
export function fitState(core: HostCore, record: PluginRecord, state: TakenState, next: PluginModule): TakenState {
  if (!state.has) return state
  const adapted = adaptState(state.value, state.stateVersion, next)
  if (adapted.ok) return { ...state, value: adapted.state }
  core.warn(record, adapted.reason, adapted.error)
  core.stateHooks?.setAside(record, {
    format: 1,
    state: state.value,
    stateVersion: state.stateVersion,
    pluginVersion: state.pluginVersion,
    savedAt: Date.now(),
  })
  return NO_STATE
}

export async function giveState(
  core: HostCore,
  record: PluginRecord,
  module: PluginModule,
  state: TakenState,
  info: ReloadInfo,
): Promise<void> {
  if (!state.has) return
  if (typeof module.setReloadState !== 'function') {
    core.warn(record, 'the old version returned state from getReloadState() but the new version has no setReloadState(); its state was dropped')
    return
  }
  try {
    await runAsPlugin(core, record, () => module.setReloadState!(state.value, info))
  } catch (error) {
    throw new PluginError(record.id, record.file, 'set-state', error)
  }
}


/**
 * Gives a plugin starting again the state it had when it stopped (migrated if its stateVersion
 * changed); without such state, the state saved for it, as at start (undefined: the host's own
 * restore). If its `setReloadState` throws, it runs without that state, which it then owes to its
 * next version.
 */
export function keptStateGiver(core: HostCore, kept: TakenState | undefined): GiveState | undefined {
  if (!kept?.has) return undefined
  return async (record, module) => {
    const fitted = fitState(core, record, kept, module)
    try {
      await giveState(core, record, module, fitted, { reason: 'restore', fromVersion: kept.pluginVersion, fromStateVersion: kept.stateVersion })
    } catch (error) {
      owe(record, kept)
      core.warn(record, `${(error as PluginError).reason}; it runs without its previous state, which is kept for its next version`, error)
      return
    }
    if (record.owed === kept) record.owed = undefined
  }
}
