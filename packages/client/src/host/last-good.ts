import { describeLastGood } from '../protocol/index.js'
import { describe, type PluginError } from './errors.js'
import type { HostCore } from './core.js'
import type { PluginRecord } from './records.js'
import type { PluginModule } from './types.js'

/** A plugin's last good version, as the dev server kept it. */
export interface LastGoodVersion {
  module: PluginModule
  /** When a tab last ran it well (ms since the epoch). */
  at: number
}

/** Loads the last good version the dev server kept for a plugin; undefined when it kept none. */
export type LastGoodLoader = (id: string) => Promise<LastGoodVersion | undefined>

/**
 * At start, on a page the dev tools reloaded, the plugin's code on disk failed (`failure`: it did
 * not load, its `activate` threw, or its `setReloadState` refused the saved state): its last good
 * version runs instead, with the saved state, marked (`lastGood`) and announced, until a good save
 * swaps the real file in. A version of it that is running (without its state) is stopped first.
 * Resolves to false, touching nothing, when there is no last good version.
 */
export async function startLastGood(core: HostCore, record: PluginRecord, failure: PluginError, startedAt: number): Promise<boolean> {
  const version = await loadLastGood(core, record)
  if (!version) return false
  // The version on disk that refused its state never went live: nothing of it stays.
  await core.stop(record, 'discarded')
  record.lastGood = { since: version.at, error: failure.reason }
  if (!(await core.start(record, version.module, { startedAt }))) {
    record.lastGood = undefined
    core.warn(record, `its last good version failed to start too; the file on disk fails: ${failure.reason}`, failure)
    return true
  }
  const info = { ...record.lastGood }
  core.logger.warn(`plugin "${record.id}" (${record.file}): ${describeLastGood(record.id, info)}. The next good save replaces it.`, failure)
  core.events.emit('last-good-started', { id: record.id, file: record.file, since: info.since, error: failure })
  return true
}

async function loadLastGood(core: HostCore, record: PluginRecord): Promise<LastGoodVersion | undefined> {
  if (!core.lastGood) return undefined
  try {
    const version = await core.lastGood(record.id)
    return version && typeof version.module.activate === 'function' ? version : undefined
  } catch (error) {
    core.warn(record, `its last good version could not be loaded (${describe(error)})`, error)
    return undefined
  }
}
