import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildFeedManifest, integrityOf, type BuiltChunk, type FeedEntry } from '../../src/feed/manifest.js'

const chunk = (fileName: string, code: string, imports: string[] = [], more: Partial<BuiltChunk> = {}): BuiltChunk => ({
  fileName,
  code,
  imports,
  dynamicImports: [],
  facadeModuleId: null,
  isEntry: false,
  ...more,
})
const entry = (id: string, meta: FeedEntry['meta'] = {}): FeedEntry => ({ id, file: `src/plugins/${id}/index.ts`, absFile: `/app/src/plugins/${id}/index.ts`, meta })
const sri = (code: string) => `sha384-${createHash('sha384').update(code).digest('base64')}`

describe('buildFeedManifest', () => {
  it('lists each plugin with its entry chunk, every chunk it imports (dependencies first) and their CSS, each with its sha384', () => {
    const chunks = [
      chunk('index.html', '', [], { isEntry: true }),
      chunk('assets/counter-1.js', 'counter', ['assets/format-1.js'], {
        facadeModuleId: '/app/src/plugins/counter/index.ts',
        dynamicImports: ['assets/lazy-1.js'],
        viteMetadata: { importedCss: new Set(['assets/counter-1.css']) },
      }),
      chunk('assets/format-1.js', 'format', ['assets/shared-1.js'], { viteMetadata: { importedCss: new Set(['assets/format-1.css', 'assets/counter-1.css']) } }),
      chunk('assets/shared-1.js', 'shared'),
      chunk('assets/lazy-1.js', 'lazy', ['assets/shared-1.js']),
    ]
    const assets = [
      { fileName: 'assets/counter-1.css', source: '.counter {}' },
      { fileName: 'assets/format-1.css', source: '.format {}' },
      { fileName: 'assets/other-1.css', source: '.other {}' },
    ]
    const manifest = buildFeedManifest([entry('counter', { version: '1.1.0', dependsOn: ['theme'], stateVersion: 2 })], chunks, 'hot-plugins.json', () => {}, assets)
    expect(manifest).toEqual({
      format: 1,
      plugins: [
        {
          id: 'counter',
          file: 'src/plugins/counter/index.ts',
          url: 'assets/counter-1.js',
          integrity: sri('counter'),
          imports: [
            { url: 'assets/shared-1.js', integrity: sri('shared') },
            { url: 'assets/format-1.js', integrity: sri('format') },
            { url: 'assets/lazy-1.js', integrity: sri('lazy') },
          ],
          css: [
            { url: 'assets/counter-1.css', integrity: sri('.counter {}') },
            { url: 'assets/format-1.css', integrity: sri('.format {}') },
          ],
          version: '1.1.0',
          dependsOn: ['theme'],
          stateVersion: 2,
        },
      ],
    })
  })

  it('names chunks relative to where the feed file is, and leaves out a plugin with no chunk of its own', () => {
    const chunks = [chunk('assets/a-1.js', 'a', [], { facadeModuleId: '/app/src/plugins/a/index.ts' })]
    const manifest = buildFeedManifest([entry('a'), entry('missing')], chunks, 'feeds/plugins.json')
    expect(manifest.plugins.map((p) => [p.id, p.url])).toEqual([['a', '../assets/a-1.js']])
  })

  it('warns when a plugin imports from the app entry chunk (the page would run a second copy of the app)', () => {
    const warnings: string[] = []
    const chunks = [
      chunk('assets/index-1.js', 'app', [], { isEntry: true }),
      chunk('assets/a-1.js', 'a', ['assets/index-1.js'], { facadeModuleId: '/app/src/plugins/a/index.ts' }),
    ]
    buildFeedManifest([entry('a')], chunks, 'hot-plugins.json', (message) => warnings.push(message))
    expect(warnings).toEqual([expect.stringMatching(/plugin "a" \(src\/plugins\/a\/index\.ts\) imports from the app's entry chunk assets\/index-1\.js/)])
  })

  it('hashes the bytes as the browser does: UTF-8', () => {
    expect(integrityOf('é')).toBe(`sha384-${createHash('sha384').update(Buffer.from('é', 'utf8')).digest('base64')}`)
  })
})
