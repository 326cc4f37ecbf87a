import type { LeakTracker, ResourceHandle } from '../../leaks/tracker.js'
import { replace, restoreAll, type Restore } from './patch.js'

type Id = unknown
type Global = Record<string, any>

/**
 * `setTimeout`, `setInterval` and `requestAnimationFrame` started by a plugin instance: live until
 * they fire (an interval: until cleared) or are cancelled. Their callbacks run as the instance.
 */
export function patchTimers(global: Global, tracker: LeakTracker): Restore {
  const live = new Map<Id, ResourceHandle>()
  const release = (id: Id) => {
    live.get(id)?.release()
    live.delete(id)
  }
  const clear = (original: (id: Id) => void) =>
    function (this: unknown, id: Id) {
      release(id)
      return original.call(this, id)
    }
  const start = (kind: 'timeout' | 'interval' | 'animation-frame', cancel: string) => (original: (...args: any[]) => Id) =>
    function (this: unknown, callback: unknown, ...rest: unknown[]) {
      if (typeof callback !== 'function' || !tracker.current()) return original.call(this, callback, ...rest)
      let id: Id
      const once = kind !== 'interval'
      const wrapped = tracker.wrap(function (this: unknown, ...args: unknown[]) {
        if (once) release(id)
        return (callback as (...a: unknown[]) => unknown).apply(this, args)
      })
      id = original.call(this, wrapped, ...rest)
      const handle = tracker.track(describe(kind, rest[0], () => live.has(id), () => global[cancel]!(id)))
      if (handle) live.set(id, handle)
      return id
    }
  return restoreAll([
    replace(global, 'setTimeout', start('timeout', 'clearTimeout')),
    replace(global, 'setInterval', start('interval', 'clearInterval')),
    replace(global, 'requestAnimationFrame', start('animation-frame', 'cancelAnimationFrame')),
    // Browsers clear a timeout with clearInterval and an interval with clearTimeout alike.
    replace(global, 'clearTimeout', clear),
    replace(global, 'clearInterval', clear),
    replace(global, 'cancelAnimationFrame', clear),
  ])
}

function describe(kind: 'timeout' | 'interval' | 'animation-frame', delay: unknown, isLive: () => boolean, dispose: () => void) {
  const ms = Number(delay) || 0
  if (kind === 'interval') return { kind, noun: 'interval', plural: 'intervals', detail: `every ${ms} ms`, isLive, dispose }
  if (kind === 'timeout') return { kind, noun: 'timeout', plural: 'timeouts', detail: `after ${ms} ms`, isLive, dispose }
  return { kind, noun: 'animation frame request', plural: 'animation frame requests', isLive, dispose }
}
