/**
 * Who started what: the page's one record of the resources (timers, listeners, observers,
 * connections, nodes) each plugin instance started and has not released. DOM-free: the browser
 * adapter (browser/leaks/) tells it when a resource starts and ends; the watch (watch.ts) asks it,
 * after a teardown, what is still live.
 */

import type { LeakKind } from '../protocol/index.js'

/** A resource as the adapter describes it when it starts. */
export interface ResourceInit {
  kind: LeakKind
  /** What it is, singular and plural: `interval`, `"resize" listener on window`. */
  noun: string
  plural: string
  /** Said after the noun, in brackets: `every 1000 ms`. */
  detail?: string
  /** Whether it still runs (for a listener on an element: the element is still in the page). */
  isLive(): boolean
  /** Stops it (what `leaks: 'clean'` does). */
  dispose(): void
}

/** A resource an instance started. */
export interface Resource extends ResourceInit {
  /** Where it was started: an Error made at that moment (its stack is read only when reported). */
  readonly startedAt: Error
}

/** One plugin instance: its code, and the callbacks it scheduled, run as it. */
export interface Owner {
  readonly id: string
  readonly file: string
  /** Resources started and not released. */
  readonly resources: Set<Resource>
  /** Set after its teardown: what runs as it afterwards is not recorded any more. */
  ended: boolean
}

/** What the adapter keeps for a resource, to release it when the plugin stops it itself. */
export interface ResourceHandle {
  release(): void
}

export interface LeakTracker {
  /** The instance whose code runs now, if any. */
  current(): Owner | undefined
  /** A new instance of plugin `id`. */
  owner(id: string, file: string): Owner
  /** Runs `code` as `owner` (only its synchronous part: see the README on `await`). */
  run<T>(owner: Owner, code: () => T): T
  /** `callback`, made to run as the instance that runs now; as is when none does. */
  wrap<F extends (...args: any[]) => any>(callback: F): F
  /** Records a resource the current instance starts; undefined when no instance runs (nothing to record). */
  track(init: ResourceInit): ResourceHandle | undefined
  /** What `owner` still runs, in the order it was started; forgets them (the instance ended). */
  sweep(owner: Owner): Resource[]
}

/** This module's URL: the runtime's own stack frames are told from the plugin's by it (site.ts `runtimeFiles`). */
export const TRACKER_URL: string = (import.meta as unknown as { url?: string }).url ?? ''

/** Every this many resources an instance holds, those no longer live are dropped. */
const PRUNE_EVERY = 256

const NOTHING: ResourceHandle = { release() {} }

export function createLeakTracker(): LeakTracker {
  let current: Owner | undefined

  const run = <T>(owner: Owner, code: () => T): T => {
    const before = current
    current = owner
    try {
      return code()
    } finally {
      current = before
    }
  }

  return {
    current: () => current,
    owner: (id, file) => ({ id, file, resources: new Set(), ended: false }),
    run,
    wrap(callback) {
      const owner = current
      if (!owner) return callback
      return function (this: unknown, ...args: unknown[]) {
        return run(owner, () => callback.apply(this, args))
      } as typeof callback
    },
    track(init) {
      const owner = current
      if (!owner) return undefined
      if (owner.ended) return NOTHING
      // The adapter's own object (its getters stay live), marked with where it started.
      const resource = Object.defineProperty(init, 'startedAt', { value: new Error('started here') }) as Resource
      owner.resources.add(resource)
      // Long-lived instances insert and remove nodes all day: what ended by itself is dropped now and then.
      if (owner.resources.size % PRUNE_EVERY === 0) for (const r of owner.resources) if (!r.isLive()) owner.resources.delete(r)
      return { release: () => void owner.resources.delete(resource) }
    },
    sweep(owner) {
      owner.ended = true
      const live = [...owner.resources].filter((resource) => resource.isLive())
      owner.resources.clear()
      return live
    },
  }
}
