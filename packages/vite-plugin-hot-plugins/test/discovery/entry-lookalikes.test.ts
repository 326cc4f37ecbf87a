import { describe, expect, it } from 'vitest'
import { createLookalikeFinder, describeLookalike } from '../../src/discovery/entry-lookalikes.js'
import { cleanupAfterEach } from '../fixtures.js'
import { plugin } from '../workspace-tree.js'

const teardown = cleanupAfterEach()

describe('files named like an entry that no glob matches', () => {
  it('are found in the plugin folders, in any script extension', async () => {
    const tree = await teardown.tree({
      'src/plugins/a/index.ts': plugin,
      'src/plugins/b/index.js': plugin,
      'src/plugins/c/index.mjs': plugin,
      'src/plugins/c/index.test.ts': '',
      'src/plugins/d/index.css': '',
      'src/plugins/e/helper.js': '',
      'src/index.js': '',
    })
    const finder = createLookalikeFinder(['src/plugins/*/index.{ts,tsx}', 'src/extensions/*.ts'])
    expect(finder.find(tree.root)).toEqual(['src/plugins/a/index.ts', 'src/plugins/b/index.js', 'src/plugins/c/index.mjs'])
    expect(finder.globLookedLike('src/plugins/b/index.js')).toBe('src/plugins/*/index.{ts,tsx}')
    expect(finder.globLookedLike('src/extensions/x.js')).toBeUndefined()
    expect(describeLookalike('src/plugins/b/index.js', 'src/plugins/*/index.{ts,tsx}')).toBe(
      `src/plugins/b/index.js is named like a plugin entry, but no "plugins" glob matches it (src/plugins/*/index.{ts,tsx}), so it is not a plugin; if it is one, add its extension: 'src/plugins/*/index.{ts,tsx,js}'`,
    )
    expect(describeLookalike('p/plugin.js', 'p/plugin.ts')).toContain("add its extension: 'p/plugin.{ts,js}'")
  })
})
