import { describe, expect, it } from 'vitest'
import { findOwners, pluginsAbove, type ModuleNodeLike } from '../../src/hmr/owners.js'

/**
 * A module graph from import edges. `selfAccepting` lists modules that accept their own updates;
 * `accepts` lists [importer, imported] pairs where the importer accepts the imported module.
 */
function graph(
  edges: [importer: string, imported: string][],
  { selfAccepting = [], accepts = [] }: { selfAccepting?: string[]; accepts?: [string, string][] } = {},
) {
  const nodes = new Map<string, ModuleNodeLike>()
  const node = (file: string) => {
    let n = nodes.get(file)
    if (!n) nodes.set(file, (n = { file, importers: new Set(), acceptedHmrDeps: new Set() }))
    return n
  }
  for (const [importer, imported] of edges) node(imported).importers.add(node(importer))
  for (const file of selfAccepting) node(file).isSelfAccepting = true
  for (const [importer, imported] of accepts) node(importer).acceptedHmrDeps.add(node(imported))
  return node
}

const entries = new Map([
  ['/p/counter/index.ts', 'counter'],
  ['/p/chart/index.ts', 'chart'],
  ['/p/react/index.tsx', 'react'],
])

describe('findOwners', () => {
  const node = graph(
    [
      ['/registry', '/p/counter/index.ts'],
      ['/registry', '/p/chart/index.ts'],
      ['/registry', '/p/react/index.tsx'],
      ['/p/counter/index.ts', '/p/counter/format.ts'],
      ['/p/counter/format.ts', '/shared/util.ts'],
      ['/p/chart/index.ts', '/shared/util.ts'],
      ['/main.ts', '/host/about.ts'],
      // a cycle inside a plugin
      ['/p/chart/index.ts', '/p/chart/a.ts'],
      ['/p/chart/a.ts', '/p/chart/b.ts'],
      ['/p/chart/b.ts', '/p/chart/a.ts'],
      // a component module (self-accepting under Fast Refresh) and a helper below it
      ['/p/react/index.tsx', '/p/react/App.tsx'],
      ['/p/react/App.tsx', '/p/react/label.ts'],
      ['/p/react/index.tsx', '/p/react/store.ts'],
      // a helper the entry accepts itself
      ['/p/chart/index.ts', '/p/chart/theme.ts'],
    ],
    {
      selfAccepting: ['/p/react/App.tsx'],
      accepts: [
        ['/registry', '/p/counter/index.ts'],
        ['/registry', '/p/chart/index.ts'],
        ['/registry', '/p/react/index.tsx'],
        ['/p/chart/index.ts', '/p/chart/theme.ts'],
      ],
    },
  )

  it('an entry owns itself', () => {
    expect(findOwners([node('/p/counter/index.ts')], entries)).toEqual(['counter'])
  })

  it('owns what it imports, transitively', () => {
    expect(findOwners([node('/p/counter/format.ts')], entries)).toEqual(['counter'])
    expect(findOwners([node('/p/react/store.ts')], entries)).toEqual(['react'])
  })

  it('a file shared by two plugins belongs to both', () => {
    expect(findOwners([node('/shared/util.ts')], entries)).toEqual(['chart', 'counter'])
  })

  it('a host file belongs to no plugin', () => {
    expect(findOwners([node('/host/about.ts')], entries)).toEqual([])
  })

  it('walks import cycles once', () => {
    expect(findOwners([node('/p/chart/b.ts')], entries)).toEqual(['chart'])
  })

  it('stops at a module that accepts its own updates: it handles them, the plugin is not swapped', () => {
    expect(findOwners([node('/p/react/App.tsx')], entries)).toEqual([])
    expect(findOwners([node('/p/react/label.ts')], entries)).toEqual([])
  })

  it('stops at an importer that accepts the changed module', () => {
    expect(findOwners([node('/p/chart/theme.ts')], entries)).toEqual([])
  })

  it('a self-accepting entry is not swapped by the host', () => {
    const selfAccepting = graph([['/registry', '/p/counter/index.ts']], { selfAccepting: ['/p/counter/index.ts'] })
    expect(findOwners([selfAccepting('/p/counter/index.ts')], entries)).toEqual([])
  })

  it('pluginsAbove: the plugins a file is of, whoever accepts its updates on the way', () => {
    // A component a framework refreshes in place: no plugin is swapped for it, but it is react's file.
    expect(pluginsAbove([node('/p/react/App.tsx')], entries)).toEqual(['react'])
    expect(pluginsAbove([node('/p/react/label.ts')], entries)).toEqual(['react'])
    expect(pluginsAbove([node('/p/chart/theme.ts')], entries)).toEqual(['chart'])
    expect(pluginsAbove([node('/shared/util.ts')], entries)).toEqual(['chart', 'counter'])
    // A host module, and a cycle, end the walk.
    expect(pluginsAbove([node('/host/about.ts')], entries)).toEqual([])
    expect(pluginsAbove([node('/p/chart/b.ts')], entries)).toEqual(['chart'])
  })
})

describe('findOwners, order', () => {
  it('returns the owners sorted, whatever order the graph reaches them in', () => {
    const node = graph([
      ['/p/zeta/index.ts', '/shared/x.ts'],
      ['/p/alpha/index.ts', '/shared/x.ts'],
    ])
    const ids = new Map([
      ['/p/zeta/index.ts', 'zeta'],
      ['/p/alpha/index.ts', 'alpha'],
    ])
    expect(findOwners([node('/shared/x.ts')], ids)).toEqual(['alpha', 'zeta'])
  })
})

describe('findOwners, partial accept and modules not analysed yet', () => {
  /** The entry `/p/counter/index.ts` importing `bindings` of `/p/counter/Counter.svelte`, which accepts `accepted`. */
  function component(bindings: string[], accepted: string[] | null, isSelfAccepting: boolean | undefined = false) {
    const id = '/p/counter/Counter.svelte'
    const entry: ModuleNodeLike = { id: '/p/counter/index.ts', file: '/p/counter/index.ts', importers: new Set(), acceptedHmrDeps: new Set(), isSelfAccepting: false }
    entry.importedBindings = new Map([[id, new Set(bindings)]])
    const counter: ModuleNodeLike = { id, file: id, importers: new Set([entry]), acceptedHmrDeps: new Set(), isSelfAccepting }
    counter.acceptedHmrExports = accepted === null ? null : new Set(accepted)
    return counter
  }

  it('stops at an importer that imports only exports the changed module accepts, as Vite does', () => {
    expect(findOwners([component(['default'], ['default'])], entries)).toEqual([])
  })

  it('walks on when the importer also imports an export the module does not accept', () => {
    expect(findOwners([component(['default', 'size'], ['default'])], entries)).toEqual(['counter'])
    expect(findOwners([component(['default'], null)], entries)).toEqual(['counter'])
  })

  it('walks through a module Vite has not analysed yet: the page never ran it, its plugin must hear of the change', () => {
    expect(findOwners([component(['default'], null, undefined)], entries)).toEqual(['counter'])
  })
})
