/** Replaces a method (or a global) and gives back what puts the original back. */
export type Restore = () => void

export function replace<T extends object, K extends keyof T>(target: T, name: K, make: (original: T[K]) => T[K]): Restore {
  const original = target[name]
  if (typeof original !== 'function') return () => {}
  const own = Object.getOwnPropertyDescriptor(target, name)
  Object.defineProperty(target, name, { value: make(original), writable: true, configurable: true, enumerable: own?.enumerable ?? false })
  return () => {
    if (own) Object.defineProperty(target, name, own)
    else delete target[name]
  }
}

/** Runs every restore, last first. */
export function restoreAll(restores: readonly Restore[]): Restore {
  return () => {
    for (const restore of [...restores].reverse()) restore()
  }
}
