import type { HostCore } from '../host/core.js'
import type { Guard } from './guard.js'
import type { Persistence } from './state/persistence.js'

export interface StateSavingOptions {
  hosts: ReadonlySet<HostCore>
  persistence: Persistence | undefined
  /** Called, before a reload made for the dev tools, once state is saved. */
  beforeToolingReload: (() => void) | undefined
  guard: Guard
}

/** Saving every plugin's state: on demand, and before the page reloads. */
export function createStateSaving({ hosts, persistence, beforeToolingReload, guard }: StateSavingOptions) {
  /** Marks the coming reload as one the dev tools made (state is restored after it), and saves. */
  const prepareReload = async (): Promise<void> => {
    beforeToolingReload?.()
    await persistence?.snapshot(hosts)
  }
  return {
    /** Persists the state of every running plugin now (with persistence on); resolves once written. */
    saveState: async (): Promise<void> => persistence?.snapshot(hosts),
    prepareReload,
    /**
     * Before the page reloads (a full reload, or the server went away and comes back): the source
     * waits for this, so the page reloads only once state is written. Never rejects.
     */
    async saveBeforeReload(): Promise<void> {
      try {
        await prepareReload()
      } catch (error) {
        guard(() => {
          throw error
        })
      }
    },
  }
}
