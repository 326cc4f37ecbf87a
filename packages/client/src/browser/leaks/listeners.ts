import type { LeakTracker, ResourceHandle } from '../../leaks/tracker.js'
import { replace, restoreAll, type Restore } from './patch.js'

type Listener = EventListenerOrEventListenerObject

interface Added {
  wrapped: EventListener
  handle: ResourceHandle | undefined
}

/**
 * Listeners a plugin instance adds to `window`, `document` or a node: live while added and, for a
 * node, while the node is in the page (what the plugin removed takes its listeners with it). They
 * run as the instance.
 */
export function patchListeners(global: typeof globalThis, tracker: LeakTracker): Restore {
  const NodeType = global.Node
  return restoreAll(listenerPrototypes(global).map((proto) => patchPrototype(proto, global, NodeType, tracker)))
}

/** Where `addEventListener` is defined for the window and for nodes (one EventTarget in a browser; a DOM written in JS may have its own). */
function listenerPrototypes(global: typeof globalThis): EventTarget[] {
  const owners = new Set<EventTarget>()
  for (const start of [global.EventTarget?.prototype, global.Node?.prototype, global.window]) {
    let proto: object | null = start ?? null
    while (proto && !Object.prototype.hasOwnProperty.call(proto, 'addEventListener')) proto = Object.getPrototypeOf(proto)
    if (proto) owners.add(proto as EventTarget)
  }
  return [...owners]
}

function patchPrototype(proto: EventTarget, global: typeof globalThis, NodeType: typeof Node | undefined, tracker: LeakTracker): Restore {
  // Per target, per listener: what was added in its place, by type and capture.
  const added = new WeakMap<EventTarget, Map<Listener, Map<string, Added>>>()
  const keyOf = (type: string, options: boolean | EventListenerOptions | undefined) =>
    `${type}\0${typeof options === 'boolean' ? options : options?.capture === true}`
  const forget = (target: EventTarget, listener: Listener, key: string): Added | undefined => {
    const byListener = added.get(target)
    const byKey = byListener?.get(listener)
    const entry = byKey?.get(key)
    byKey?.delete(key)
    // Nothing of a removed listener stays: on window and document, which live as long as the page,
    // an empty entry would keep every removed listener (and what it closes over) until a reload.
    if (byKey?.size === 0) byListener!.delete(listener)
    if (byListener?.size === 0) added.delete(target)
    entry?.handle?.release()
    return entry
  }

  const restoreAdd = replace(proto, 'addEventListener', (original) =>
    function (this: EventTarget, type: string, listener: Listener | null, options?: boolean | AddEventListenerOptions) {
      const where = listener && tracker.current() ? placeOf(this, global, NodeType) : undefined
      const key = keyOf(type, options)
      // Added already in a plugin's turn: the browser would ignore it, so must this (else it would run twice).
      if (listener && added.get(this)?.get(listener)?.has(key)) return
      if (!where || !listener) return original.call(this, type, listener, options)
      const byListener = added.get(this) ?? new Map<Listener, Map<string, Added>>()
      added.set(this, byListener)
      const byKey = byListener.get(listener) ?? new Map<string, Added>()
      byListener.set(listener, byKey)
      const target = this
      const once = typeof options === 'object' && options?.once === true
      const wrapped = tracker.wrap(function (this: unknown, event: Event) {
        if (once) forget(target, listener, key)
        return typeof listener === 'function' ? listener.call(this, event) : listener.handleEvent(event)
      })
      const handle = tracker.track({
        kind: 'listener',
        noun: `"${type}" listener on ${where.name}`,
        plural: `"${type}" listeners on ${where.name}`,
        isLive: () => byKey.has(key) && where.inPage(),
        dispose: () => target.removeEventListener(type, listener, options),
      })
      byKey.set(key, { wrapped, handle })
      const signal = typeof options === 'object' ? options?.signal : undefined
      if (signal) signal.addEventListener('abort', () => forget(target, listener, key), { once: true })
      return original.call(this, type, wrapped, options)
    },
  )
  const restoreRemove = replace(proto, 'removeEventListener', (original) =>
    function (this: EventTarget, type: string, listener: Listener | null, options?: boolean | EventListenerOptions) {
      const entry = listener ? forget(this, listener, keyOf(type, options)) : undefined
      return original.call(this, type, entry ? entry.wrapped : listener, options)
    },
  )
  return () => {
    restoreRemove()
    restoreAdd()
  }
}

/** Where a listener is, as the report names it; undefined for targets the report does not watch (sockets, media queries…). */
function placeOf(target: EventTarget, global: typeof globalThis, NodeType: typeof Node | undefined) {
  if (target === (global as unknown) || target === global.window) return { name: 'window', inPage: () => true }
  if (NodeType && target instanceof NodeType) {
    if (target === global.document) return { name: 'document', inPage: () => true }
    return { name: nodeName(target), inPage: () => target.isConnected }
  }
  return undefined
}

/** `<button.save>`, `<div#app>`, `<body>`: enough to find the node. */
export function nodeName(node: Node): string {
  const element = node as Partial<Element>
  if (typeof element.tagName !== 'string') return node.nodeName.toLowerCase()
  const id = element.id ? `#${element.id}` : ''
  const cls = !id && typeof element.className === 'string' && element.className ? `.${element.className.trim().split(/\s+/)[0]}` : ''
  return `<${element.tagName.toLowerCase()}${id}${cls}>`
}
