/**
 * A plugin's state as the host carries it: taken from an instance on its way to the next one, and
 * as a store keeps it. The host only holds and passes these on; the engine takes, fits, gives and
 * persists them (engine/state).
 */

/** State taken from a plugin instance, on its way to the next one. */
export interface TakenState {
  has: boolean
  value: unknown
  /** `meta.stateVersion` and `meta.version` of the code the state came from. */
  stateVersion: number | undefined
  pluginVersion: string | undefined
}

/** What the store keeps for one plugin. */
export interface PersistedState {
  /** Shape version of this record itself. */
  format: 1
  state: unknown
  /** `meta.stateVersion` of the instance the state came from. */
  stateVersion: number | undefined
  /** `meta.version` of the instance the state came from. */
  pluginVersion: string | undefined
  /** When it was saved (ms since epoch). */
  savedAt: number
}
