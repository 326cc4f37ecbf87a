import { describe, expect, it } from 'vitest'
import { createDepartedEntries, onlyImportedBy, type GraphNode } from '../../src/hmr/departed-entries.js'

interface Node extends GraphNode<Node> {
  file: string
}

/** A module graph from import edges (importer → imported), by file path; files that exist on disk are none. */
function graph(edges: [string, string][]) {
  const nodes = new Map<string, Node>()
  const node = (file: string): Node => {
    let n = nodes.get(file)
    if (!n) nodes.set(file, (n = { file, url: file, importers: new Set(), importedModules: new Set(), lastHMRTimestamp: 0 }))
    return n
  }
  for (const [from, to] of edges) {
    node(from).importedModules.add(node(to))
    node(to).importers.add(node(from))
  }
  return { node, modulesOf: (file: string) => (nodes.has(file) ? [nodes.get(file)!] : undefined) }
}

const edges: [string, string][] = [
  ['/registry', '/p/painted/index.ts'],
  ['/registry', '/p/framed/index.ts'],
  ['/main.ts', '/registry'],
  ['/main.ts', '/style.css'],
  ['/p/painted/index.ts', '/p/painted/painted.css'],
  ['/p/painted/index.ts', '/p/painted/look.ts'],
  ['/p/painted/look.ts', '/p/painted/look.module.css'],
  ['/p/painted/index.ts', '/shared/outline.css'],
  ['/p/painted/index.ts', '/style.css'],
  ['/p/framed/index.ts', '/shared/outline.css'],
  ['/p/painted/index.ts', '/p/painted/index.ts'], // React Fast Refresh's wrapper imports the module itself
]

const urls = (nodes: Iterable<{ url: string }>) => [...nodes].map((n) => n.url).sort()

describe('onlyImportedBy', () => {
  it('finds what only the given entries import, directly or through others; what the host or a running plugin imports stays', () => {
    const g = graph(edges)
    expect(urls(onlyImportedBy(new Set([g.node('/p/painted/index.ts')])))).toEqual(['/p/painted/look.module.css', '/p/painted/look.ts', '/p/painted/painted.css'])
  })

  it('keeps all a module in use imports, however deep', () => {
    const g = graph([...edges, ['/p/framed/index.ts', '/p/painted/look.ts']])
    expect(urls(onlyImportedBy(new Set([g.node('/p/painted/index.ts')])))).toEqual(['/p/painted/painted.css'])
  })

  it('counts a module shared by two departed entries as theirs', () => {
    const g = graph(edges)
    const gone = onlyImportedBy(new Set([g.node('/p/painted/index.ts'), g.node('/p/framed/index.ts')]))
    expect(urls(gone)).toContain('/shared/outline.css')
    expect(urls(gone)).not.toContain('/style.css')
  })
})

describe('createDepartedEntries', () => {
  const painted = { id: 'painted', absFile: '/p/painted/index.ts' }
  const framed = { id: 'framed', absFile: '/p/framed/index.ts' }

  it('prunes what only a plugin that left the set imported, marking it updated so a later import is fresh', () => {
    const g = graph(edges)
    const departures = createDepartedEntries(g.modulesOf)
    expect(departures.prune(5)).toEqual([])
    departures.sync([painted, framed], [framed])
    expect(urls(departures.prune(7))).toEqual(['/p/painted/look.module.css', '/p/painted/look.ts', '/p/painted/painted.css'])
    expect(g.node('/p/painted/painted.css').lastHMRTimestamp).toBe(7)
    expect(g.node('/shared/outline.css').lastHMRTimestamp).toBe(0)
    expect(g.node('/p/painted/index.ts').lastHMRTimestamp).toBe(0) // Vite prunes the entry itself
  })

  it('forgets a plugin that came back once its entry is transformed again, not before', async () => {
    const g = graph(edges)
    const departures = createDepartedEntries(g.modulesOf)
    departures.sync([painted, framed], [framed])
    const css = [g.node('/p/painted/painted.css')]
    departures.sync([framed], [painted, framed]) // back in the set: its modules have no importer until it is transformed
    expect(departures.usedOnlyByDeparted(css)).toBe(true)
    departures.transformed(painted.absFile)
    expect(departures.usedOnlyByDeparted(css)).toBe(false)
    expect(departures.prune(1)).toEqual([])
  })

  it('tells a file used only by departed plugins, also before the set changed, when its entry is gone from disk', () => {
    const g = graph(edges)
    const departures = createDepartedEntries(g.modulesOf)
    const entries = new Set([painted.absFile, framed.absFile])
    const isEntry = (node: Node) => (entries.has(node.file) ? node.file : undefined)
    const css = [g.node('/p/painted/painted.css')]
    // Written, not deleted: nothing departed yet.
    expect(departures.usedOnlyByDeparted(css)).toBe(false)
    // Deleted, and no file of this graph exists on disk: its entry counts as departed.
    departures.noteDeleted(css, isEntry)
    expect(departures.usedOnlyByDeparted(css)).toBe(true)
    expect(departures.usedOnlyByDeparted([g.node('/p/painted/look.module.css')])).toBe(true)
    expect(departures.usedOnlyByDeparted([g.node('/style.css')])).toBe(false)
    expect(departures.usedOnlyByDeparted([])).toBe(false)
    // The shared stylesheet is another running plugin's too.
    expect(departures.usedOnlyByDeparted([g.node('/shared/outline.css')])).toBe(false)
  })
  it('names the plugin of every entry file that left, for the life of the server; the current set wins', () => {
    const g = graph(edges)
    const departed = createDepartedEntries(g.modulesOf)
    expect([...departed.idByEntryFile([painted, framed])]).toEqual([
      [painted.absFile, 'painted'],
      [framed.absFile, 'framed'],
    ])
    departed.sync([painted, framed], [framed])
    expect(departed.idByEntryFile([framed]).get(painted.absFile)).toBe('painted')
    // Moved (same id, another file): the old file is still the plugin's.
    const moved = { id: 'framed', absFile: '/p/frame/index.ts' }
    departed.sync([framed], [moved])
    expect(departed.idByEntryFile([moved])).toEqual(new Map([[painted.absFile, 'painted'], [framed.absFile, 'framed'], [moved.absFile, 'framed']]))
    // Back, with another id: the current set names it.
    departed.transformed(painted.absFile)
    expect(departed.idByEntryFile([{ id: 'paint', absFile: painted.absFile }]).get(painted.absFile)).toBe('paint')
    // An entry still in the set is no former one.
    departed.sync([moved], [moved])
    expect(departed.idByEntryFile([]).has(moved.absFile)).toBe(false)
  })
})
