/**
 * A minimal external store for `useSyncExternalStore`. The plugin's state lives here, outside
 * React, so the plugin entry can hand it to its next version on a hot swap.
 */
export interface Store<T> {
  get(): T
  set(value: T): void
  subscribe(listener: () => void): () => void
}

export interface CounterState {
  count: number
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial
  const listeners = new Set<() => void>()
  return {
    get: () => value,
    set(next) {
      value = next
      for (const listener of listeners) listener()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
