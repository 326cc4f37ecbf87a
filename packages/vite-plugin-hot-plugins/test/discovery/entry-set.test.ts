import { describe, expect, it } from 'vitest'
import type { DiscoveredPlugin } from '../../src/discovery/discover-plugins.js'
import { describeEntrySetChange, diffEntrySets } from '../../src/discovery/entry-set.js'

const plugin = (id: string, folder = id): DiscoveredPlugin => ({
  id,
  file: `src/plugins/${folder}/index.ts`,
  absFile: `/app/src/plugins/${folder}/index.ts`,
  url: `/src/plugins/${folder}/index.ts`,
})

describe('diffEntrySets', () => {
  it('tells added, removed and moved plugins apart', () => {
    const change = diffEntrySets([plugin('a'), plugin('b'), plugin('c')], [plugin('a'), plugin('c', 'charts'), plugin('d')])
    expect(change.added.map((p) => p.id)).toEqual(['d'])
    expect(change.removed.map((p) => p.id)).toEqual(['b'])
    expect(change.moved.map((m) => [m.from.file, m.to.file])).toEqual([['src/plugins/c/index.ts', 'src/plugins/charts/index.ts']])
    expect(change.changed).toBe(true)
    expect(describeEntrySetChange(change)).toBe(
      'plugin added: d (src/plugins/d/index.ts); ' +
        'plugin removed: b (src/plugins/b/index.ts), its state kept in case it comes back; ' +
        'plugin moved: c (src/plugins/c/index.ts → src/plugins/charts/index.ts), the same plugin with its state',
    )
  })

  it('names at most five changes in its one terminal line, and counts the rest', () => {
    const many = Array.from({ length: 8 }, (_, i) => plugin(`p${i}`))
    expect(describeEntrySetChange(diffEntrySets([], many))).toBe(
      `${many.slice(0, 5).map((p) => `plugin added: ${p.id} (${p.file})`).join('; ')}; and 3 more`,
    )
  })

  it('finds no change when the same entries are discovered again', () => {
    expect(diffEntrySets([plugin('a')], [plugin('a')]).changed).toBe(false)
  })

  it('a move alone, or one plugin replacing another, is a change', () => {
    expect(diffEntrySets([plugin('a')], [plugin('a', 'alpha')]).changed).toBe(true)
    expect(diffEntrySets([plugin('a')], [plugin('b')]).changed).toBe(true)
  })
})
