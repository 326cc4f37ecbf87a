import { describe, expect, it } from 'vitest'
import { originalPosition } from '../../src/leaks/source-map.js'

describe('source maps', () => {
  // Generated line 1 is blank; line 2 `  a;b` maps col 2 → source 0 line 3 col 4 and col 4 → line 3 col 9;
  // line 3 maps col 0 → source 1 line 1 col 0.
  const map = { version: 3, sources: ['index.ts', 'other.ts'], mappings: ';EAEI,EAAK;ACFT' }

  it('maps a generated position to the mapping at or before it on its line', () => {
    expect(originalPosition(map, 2, 3)).toEqual({ source: 'index.ts', line: 3, column: 5 })
    expect(originalPosition(map, 2, 5)).toEqual({ source: 'index.ts', line: 3, column: 10 })
    expect(originalPosition(map, 2, 9)).toEqual({ source: 'index.ts', line: 3, column: 10 })
    expect(originalPosition(map, 3, 1)).toEqual({ source: 'other.ts', line: 1, column: 1 })
  })

  it('has nothing for a line without mappings, or a column before the first', () => {
    expect(originalPosition(map, 1, 1)).toBeUndefined()
    expect(originalPosition(map, 2, 1)).toBeUndefined()
    expect(originalPosition(map, 9, 1)).toBeUndefined()
  })
})
