import type { PluginModule } from '../../host/types.js'
import type { Arrival } from '../batch-assembler.js'
import type { PendingUpdate, UpdateTracker } from '../update-tracker.js'
import type { Recovery } from './recovery.js'

export interface ReimportOptions {
  recovery: Pick<Recovery, 'recover'>
  tracker: Pick<UpdateTracker, 'fresh' | 'isLatest'>
  /** The URL of a plugin's entry now. */
  urlOf(id: string): string | undefined
  /** Where a version imported again goes (the batch assembler). */
  deliver(arrival: Arrival): void
  /** @default Date.now */
  wallClock?: () => number
}

/**
 * Imports a plugin's new version again — the one whose import failed, or its current file — and
 * delivers it unless a newer version came meanwhile.
 */
export function createReimport(options: ReimportOptions) {
  const run = (id: string, update: PendingUpdate | undefined, incomplete?: PluginModule): void => {
    const timestamp = update?.timestamp
    const stillCurrent = () => options.tracker.isLatest(id, timestamp)
    void options.recovery.recover(id, options.urlOf(id), timestamp, stillCurrent, incomplete).then((outcome) => {
      if (outcome && stillCurrent()) options.deliver({ id, update, outcome })
    })
  }
  return {
    /**
     * The source's import of `id` failed and does not say why, or gave an incomplete module: import
     * it again to learn why, retrying while it may pass.
     */
    afterFailedImport(id: string, update: PendingUpdate | undefined, module: PluginModule | undefined): void {
      run(id, update, module)
    },
    /** A new version of `id` from its current file, imported now. */
    reloadNow(id: string): void {
      run(id, options.tracker.fresh(id, options.wallClock ?? Date.now))
    },
  }
}
