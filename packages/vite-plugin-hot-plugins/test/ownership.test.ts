import { describe, expect, it } from 'vitest'
import { findOwners, type ModuleNodeLike } from '../src/ownership.js'

function graph(edges: [importer: string, imported: string][]) {
  const nodes = new Map<string, ModuleNodeLike>()
  const node = (file: string) => {
    let n = nodes.get(file)
    if (!n) nodes.set(file, (n = { file, importers: new Set() }))
    return n
  }
  for (const [importer, imported] of edges) node(imported).importers.add(node(importer))
  return node
}

const entries = new Map([
  ['/p/counter/index.ts', 'counter'],
  ['/p/chart/index.ts', 'chart'],
])

describe('findOwners', () => {
  const node = graph([
    ['/registry', '/p/counter/index.ts'],
    ['/registry', '/p/chart/index.ts'],
    ['/p/counter/index.ts', '/p/counter/format.ts'],
    ['/p/counter/format.ts', '/shared/util.ts'],
    ['/p/chart/index.ts', '/shared/util.ts'],
    ['/main.ts', '/host/about.ts'],
    // a cycle inside a plugin
    ['/p/chart/index.ts', '/p/chart/a.ts'],
    ['/p/chart/a.ts', '/p/chart/b.ts'],
    ['/p/chart/b.ts', '/p/chart/a.ts'],
  ])

  it('an entry owns itself', () => {
    expect(findOwners([node('/p/counter/index.ts')], entries)).toEqual(['counter'])
  })

  it('owns what it imports, transitively', () => {
    expect(findOwners([node('/p/counter/format.ts')], entries)).toEqual(['counter'])
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
})
