// The core is typed without DOM or Node globals; every JavaScript host has setTimeout.
const timers = globalThis as unknown as { setTimeout(task: () => void, ms: number): unknown; clearTimeout(handle: unknown): void }

/** Runs `task` soon, after the current work (a macrotask). */
export const soon = (task: () => void): void => void timers.setTimeout(task, 0)

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => void timers.setTimeout(resolve, ms))

/** Runs `task` after `ms` milliseconds; returns what cancels it. */
export const later = (task: () => void, ms: number): (() => void) => {
  const handle = timers.setTimeout(task, ms)
  return () => timers.clearTimeout(handle)
}
