import { describe, expect, it } from 'vitest'
import { collectSnapshot, graphUrl, rewriteSnapshotModule, type SnapshotNode } from '../../src/hmr/last-good-snapshot.js'

function node(url: string, code: string | null, imports: SnapshotNode[] = [], extra: Partial<SnapshotNode> = {}): SnapshotNode {
  return { url, id: `/root${url}`, file: `/root${url}`, type: 'js', transformResult: code === null ? null : { code }, importedModules: new Set(imports), ...extra }
}

describe('collectSnapshot', () => {
  it("takes the entry and its own helpers, transitively, and leaves dependencies, Vite's modules, styles and other plugins shared", async () => {
    const deep = node('/src/plugins/counter/deep.ts', 'export const d = 1')
    const format = node('/src/plugins/counter/format.ts', 'import "/src/plugins/counter/deep.ts"', [deep])
    const other = node('/src/plugins/theme/index.ts', 'export {}')
    const entry = node('/src/plugins/counter/index.ts', 'entry code', [
      format,
      node('/node_modules/.vite/deps/react.js', 'react', [], { file: '/root/node_modules/.vite/deps/react.js' }),
      node('/@vite/client', 'client', [], { file: null }),
      node('/src/plugins/counter/style.css', 'css as js', [], { type: 'css' }),
      node('/@id/__x00__virtual:thing', 'virtual', [], { id: '\0virtual:thing' }),
      other,
      format,
    ])
    const modules = await collectSnapshot(entry, { isOtherEntry: (n) => n === other, transform: async () => null })
    expect([...modules!.keys()]).toEqual(['/src/plugins/counter/index.ts', '/src/plugins/counter/format.ts', '/src/plugins/counter/deep.ts'])
    expect(modules!.get('/src/plugins/counter/index.ts')).toBe('entry code')
  })

  it('transforms a module whose transform is not at hand, and gives up when it cannot be', async () => {
    const helper = node('/src/plugins/p/helper.ts', null)
    const entry = node('/src/plugins/p/index.ts', 'entry', [helper])
    const transformed = await collectSnapshot(entry, { isOtherEntry: () => false, transform: async (url) => ({ code: `fresh ${url}` }) })
    expect(transformed!.get('/src/plugins/p/helper.ts')).toBe('fresh /src/plugins/p/helper.ts')
    expect(await collectSnapshot(entry, { isOtherEntry: () => false, transform: async () => null })).toBeUndefined()
    expect(await collectSnapshot(entry, { isOtherEntry: () => false, transform: () => Promise.reject(new Error('gone')) })).toBeUndefined()
  })

  it("takes a softly invalidated module's last transform (an importer of a changed helper: the same code), and transforms a hard invalidated one", async () => {
    const transformed: string[] = []
    const transform = async (url: string) => {
      transformed.push(url)
      return { code: `fresh ${url}` }
    }
    const helper = node('/src/plugins/p/helper.ts', 'new helper')
    const soft = node('/src/plugins/p/index.ts', null, [helper], { invalidationState: { code: 'import "/src/plugins/p/helper.ts?t=1"' } })
    const modules = await collectSnapshot(soft, { isOtherEntry: () => false, transform })
    expect(modules!.get('/src/plugins/p/index.ts')).toBe('import "/src/plugins/p/helper.ts?t=1"')
    expect(transformed).toEqual([])
    const hard = node('/src/plugins/p/index.ts', null, [helper], { invalidationState: 'HARD_INVALIDATED' })
    expect((await collectSnapshot(hard, { isOtherEntry: () => false, transform }))!.get('/src/plugins/p/index.ts')).toBe('fresh /src/plugins/p/index.ts')
    expect(transformed).toEqual(['/src/plugins/p/index.ts'])
  })
})

describe('rewriteSnapshotModule', () => {
  const own = new Set(['/src/plugins/counter/index.ts', '/src/plugins/counter/format.ts', '/src/plugins/counter/data.json'])
  const prefix = '/sub/__hot-plugins/last-good/counter/123'

  it("points imports of the snapshot's modules, and its hot context, into the snapshot; leaves the rest", async () => {
    const code = [
      'import { createHotContext as __vite__createHotContext } from "/sub/@vite/client";',
      'import.meta.hot = __vite__createHotContext("/src/plugins/counter/index.ts");',
      'import { formatCount } from "/sub/src/plugins/counter/format.ts?t=1700000000000";',
      'import data from "/sub/src/plugins/counter/data.json?import";',
      'import react from "/sub/node_modules/.vite/deps/react.js?v=abc";',
      'import "/sub/src/plugins/counter/style.css";',
      'const lazy = () => import("/sub/src/plugins/counter/format.ts");',
      'const other = () => import(name);',
    ].join('\n')
    const rewritten = await rewriteSnapshotModule(code, prefix, own, '/sub/')
    expect(rewritten.split('\n')).toEqual([
      'import { createHotContext as __vite__createHotContext } from "/sub/@vite/client";',
      `import.meta.hot = __vite__createHotContext("${prefix}/src/plugins/counter/index.ts");`,
      `import { formatCount } from "${prefix}/src/plugins/counter/format.ts";`,
      `import data from "${prefix}/src/plugins/counter/data.json";`,
      'import react from "/sub/node_modules/.vite/deps/react.js?v=abc";',
      'import "/sub/src/plugins/counter/style.css";',
      `const lazy = () => import("${prefix}/src/plugins/counter/format.ts");`,
      'const other = () => import(name);',
    ])
  })

  it('reads served URLs as the module graph names them', () => {
    expect(graphUrl('/src/a.ts?t=12', '/')).toBe('/src/a.ts')
    expect(graphUrl('/app/src/a.svg?import&t=12', '/app/')).toBe('/src/a.svg')
    expect(graphUrl('/src/a.txt?raw&t=3', '/')).toBe('/src/a.txt?raw')
    expect(graphUrl('/src/a.txt?import&raw', '/')).toBe('/src/a.txt?raw')
  })
})
