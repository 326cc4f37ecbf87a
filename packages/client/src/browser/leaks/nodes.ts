import type { LeakTracker } from '../../leaks/tracker.js'
import { nodeName } from './listeners.js'
import { replace, restoreAll, type Restore } from './patch.js'

type Insert = (...args: any[]) => any
/** Where a method puts nodes (read before it runs), and which of its arguments are the nodes. */
type Placement = { parent: (self: Node, args: unknown[]) => Node | null; nodes: (args: unknown[]) => unknown[] }

const intoSelf: Placement = { parent: (self) => self, nodes: (args) => args }
const firstIntoSelf: Placement = { parent: (self) => self, nodes: (args) => args.slice(0, 1) }
const beside: Placement = { parent: (self) => self.parentNode, nodes: (args) => args }
const adjacent: Placement = {
  parent: (self, args) => (args[0] === 'beforebegin' || args[0] === 'afterend' ? self.parentNode : self),
  nodes: (args) => args.slice(1, 2),
}

/**
 * Nodes a plugin instance inserts into the page: live while they are still in it after its
 * teardown. Nodes inserted into a tree the plugin builds aside are not counted; that tree's root
 * is, once the plugin puts it in the page.
 */
export function patchNodes(global: typeof globalThis, tracker: LeakTracker): Restore {
  const NodeType = global.Node
  if (!NodeType) return () => {}
  const track = (node: Node, parent: Node) =>
    tracker.track({
      kind: 'node',
      noun: `${nodeName(node)} node in ${nodeName(parent)}`,
      plural: `${nodeName(node)} nodes in ${nodeName(parent)}`,
      isLive: () => node.isConnected,
      dispose: () => node.parentNode?.removeChild(node),
    })
  // A DOM written in JS (happy-dom, jsdom) inserts through its other methods: only the outer call counts.
  let inside = false
  const watch = (placement: Placement) => (original: Insert): Insert =>
    function (this: Node, ...args: unknown[]) {
      if (inside || !tracker.current()) return original.apply(this, args)
      const parent = placement.parent(this, args)
      // A fragment empties itself into the parent: its children are what is inserted.
      const nodes = placement.nodes(args).flatMap((node) =>
        node instanceof NodeType ? (node.nodeType === NodeType.DOCUMENT_FRAGMENT_NODE ? Array.from(node.childNodes) : [node]) : [],
      )
      inside = true
      let result: unknown
      try {
        result = original.apply(this, args)
      } finally {
        inside = false
      }
      if (parent?.isConnected) for (const node of nodes) track(node, parent)
      return result
    }
  const element = global.Element?.prototype
  const node = NodeType.prototype as unknown as Record<string, Insert>
  return restoreAll([
    replace(node, 'appendChild', watch(firstIntoSelf)),
    replace(node, 'insertBefore', watch(firstIntoSelf)),
    ...(element
      ? (['append', 'prepend', 'replaceChildren'] as const).map((name) => replace(element, name, watch(intoSelf)))
      : []),
    ...(element ? (['before', 'after', 'replaceWith'] as const).map((name) => replace(element, name, watch(beside))) : []),
    ...(element ? [replace(element, 'insertAdjacentElement', watch(adjacent))] : []),
  ])
}
