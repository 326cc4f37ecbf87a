import type { LeakTracker, ResourceInit } from '../../leaks/tracker.js'
import { nodeName } from './listeners.js'
import type { Restore } from './patch.js'

type Global = Record<string, any>
type Ctor = new (...args: any[]) => any

const OBSERVERS = ['MutationObserver', 'ResizeObserver', 'IntersectionObserver'] as const
const CONNECTIONS = ['WebSocket', 'EventSource', 'BroadcastChannel'] as const

/**
 * Observers a plugin instance creates (live while they observe a node in the page, until
 * `disconnect`) and connections it opens (live until closed). Observer callbacks run as the instance.
 */
export function patchConstructors(global: Global, tracker: LeakTracker): Restore {
  const restores = [
    ...OBSERVERS.map((name) => swap(global, name, (Original) => observer(Original, name, tracker))),
    ...CONNECTIONS.map((name) => swap(global, name, (Original) => connection(Original, name, tracker))),
  ]
  return () => restores.forEach((restore) => restore())
}

function swap(global: Global, name: string, make: (Original: Ctor) => Ctor): Restore {
  const Original = global[name] as Ctor | undefined
  if (typeof Original !== 'function') return () => {}
  const Tracked = make(Original)
  Object.defineProperty(Tracked, 'name', { value: name })
  global[name] = Tracked
  return () => void (global[name] = Original)
}

function observer(Original: Ctor, name: string, tracker: LeakTracker): Ctor {
  return class extends Original {
    #targets = new Set<Node>()
    #ended = false
    #handle
    constructor(callback: (...args: unknown[]) => void, ...rest: unknown[]) {
      super(typeof callback === 'function' ? tracker.wrap(callback) : callback, ...rest)
      const init: ResourceInit = {
        kind: 'observer',
        noun: name,
        plural: `${name}s`,
        isLive: () => !this.#ended && [...this.#targets].some((target) => target.isConnected !== false),
        dispose: () => this.disconnect(),
      }
      Object.defineProperty(init, 'detail', { enumerable: true, get: () => this.#detail() })
      this.#handle = tracker.track(init)
    }
    #detail(): string | undefined {
      const first = [...this.#targets][0]
      if (!first) return undefined
      return this.#targets.size === 1 ? `observing ${nodeName(first)}` : `observing ${nodeName(first)} and ${this.#targets.size - 1} more`
    }
    observe(target: Node, ...rest: unknown[]) {
      this.#targets.add(target)
      return super.observe(target, ...rest)
    }
    unobserve(target: Node) {
      this.#targets.delete(target)
      return super.unobserve(target)
    }
    disconnect() {
      this.#ended = true
      this.#handle?.release()
      return super.disconnect()
    }
  }
}

function connection(Original: Ctor, name: string, tracker: LeakTracker): Ctor {
  return class extends Original {
    #closed = false
    #handle
    constructor(...args: unknown[]) {
      super(...args)
      const where = name === 'BroadcastChannel' ? `"${String(args[0])}"` : String(args[0])
      this.#handle = tracker.track({
        kind: 'connection',
        noun: name,
        plural: `${name}s`,
        detail: where,
        // A socket the server closed is closed too (readyState CLOSED is 2 for EventSource, 3 for WebSocket).
        isLive: () => !this.#closed && !(typeof this.readyState === 'number' && this.readyState === (name === 'WebSocket' ? 3 : 2)),
        dispose: () => this.close(),
      })
    }
    close(...args: unknown[]) {
      this.#closed = true
      this.#handle?.release()
      return super.close(...args)
    }
  }
}
