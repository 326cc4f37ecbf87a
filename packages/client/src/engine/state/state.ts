import { describe } from '../../host/errors.js'
import type { PluginModule } from '../../host/types.js'
import type { PersistedState } from '../../host/state.js'

export type { PersistedState } from '../../host/state.js'

/** Where persisted state lives (IndexedDB in the browser, memory in tests). Keys are plugin ids. */
export interface StateStore {
  /** What was saved for the plugin, unchecked: a stored value may be corrupt or of an old shape. */
  load(pluginId: string): Promise<unknown>
  /** What was saved for each of these plugins, in their order, read at once (in IndexedDB: one transaction). Absent: one `load` each. */
  loadMany?(pluginIds: readonly string[]): Promise<unknown[]>
  /** Saves several plugins' state at once (in IndexedDB: one transaction, so a page going away keeps all or none). */
  saveMany(records: readonly (readonly [pluginId: string, record: PersistedState])[]): Promise<void>
  /** Keeps a record that no code can take (a stateVersion with no migration), apart from the live one. */
  setAside(pluginId: string, record: PersistedState): Promise<void>
  /** Forgets one plugin's state, or every plugin's of this project and tab. */
  clear(pluginId?: string): Promise<void>
}

/** Several plugins' saved state at once: the store's `loadMany`, else one `load` each. */
export function loadEach(store: StateStore, pluginIds: readonly string[]): Promise<unknown[]> {
  return store.loadMany ? store.loadMany(pluginIds) : Promise.all(pluginIds.map((id) => store.load(id)))
}

export function isPersistedState(value: unknown): value is PersistedState {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return (
    record.format === 1 &&
    'state' in record &&
    (record.stateVersion === undefined || typeof record.stateVersion === 'number') &&
    (record.pluginVersion === undefined || typeof record.pluginVersion === 'string') &&
    typeof record.savedAt === 'number'
  )
}

/** The state a new instance can take, or why it cannot take it. */
export type AdaptedState =
  | { ok: true; state: unknown; migratedFrom?: number }
  | { ok: false; reason: string; error?: unknown }

/**
 * Fits state saved under `fromStateVersion` to `module`'s `meta.stateVersion` (a missing one counts
 * as 0): the same version passes; another is migrated with `migrateState`, or refused when the
 * module has none or it throws, so a plugin is never fed a shape it does not expect.
 */
export function adaptState(state: unknown, fromStateVersion: number | undefined, module: PluginModule): AdaptedState {
  const from = fromStateVersion ?? 0
  const to = module.meta?.stateVersion ?? 0
  if (from === to) return { ok: true, state }
  if (typeof module.migrateState !== 'function') {
    return {
      ok: false,
      reason: `its state has stateVersion ${from} but the code expects ${to} and exports no migrateState(); the old state was set aside and the plugin starts fresh`,
    }
  }
  try {
    return { ok: true, state: module.migrateState(state, from), migratedFrom: from }
  } catch (error) {
    return {
      ok: false,
      reason: `migrateState(state, ${from}) threw while migrating to stateVersion ${to} (${describe(error)}); the old state was set aside and the plugin starts fresh`,
      error,
    }
  }
}

/**
 * Finds where a value stops being structured-cloneable (functions, symbols, DOM nodes, class
 * instances holding private state the clone cannot see), as a path like `state.items[2].onClick`.
 * Returns undefined when nothing suspicious is found.
 */
export function findUncloneable(value: unknown, path = 'state', seen = new Set<object>()): string | undefined {
  if (typeof value === 'function') return `${path} (a function)`
  if (typeof value === 'symbol') return `${path} (a symbol)`
  if (typeof value !== 'object' || value === null) return undefined
  if (seen.has(value)) return undefined
  seen.add(value)
  const node = value as { nodeType?: unknown; nodeName?: unknown }
  if (typeof node.nodeType === 'number' && typeof node.nodeName === 'string') return `${path} (a DOM node)`
  if (value instanceof Map) {
    let index = 0
    for (const [key, item] of value) {
      const found = findUncloneable(key, `${path}.keys[${index}]`, seen) ?? findUncloneable(item, `${path}.get(${describeKey(key)})`, seen)
      if (found) return found
      index++
    }
    return undefined
  }
  if (value instanceof Set) {
    let index = 0
    for (const item of value) {
      const found = findUncloneable(item, `${path}.values[${index++}]`, seen)
      if (found) return found
    }
    return undefined
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUncloneable(value[i], `${path}[${i}]`, seen)
      if (found) return found
    }
    return undefined
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null && !isCloneableBuiltin(value)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'a class'
    return `${path} (an instance of ${name}: it would lose its class and private fields)`
  }
  for (const key of Object.keys(value)) {
    const found = findUncloneable((value as Record<string, unknown>)[key], `${path}.${key}`, seen)
    if (found) return found
  }
  return undefined
}

function isCloneableBuiltin(value: object): boolean {
  return (
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    ['Blob', 'File', 'ImageData', 'ImageBitmap'].includes(Object.prototype.toString.call(value).slice(8, -1))
  )
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : String(key)
}
