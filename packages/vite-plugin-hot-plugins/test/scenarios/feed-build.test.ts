import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { build } from 'vite'
import { afterEach, describe, expect, it } from 'vitest'
import hotPlugins from '../../src/index.js'
import type { HotPluginsOptions } from '../../src/options.js'
import { makeTree } from '../fixtures.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function buildApp(feed?: HotPluginsOptions['feed']) {
  const tree = await makeTree({
    'index.html': '<script type="module" src="/src/main.ts"></script>',
    'src/main.ts': `import plugins from 'virtual:hot-plugins'\nfor (const p of plugins) void p.load()\n`,
    'src/plugins/chart/chart.css': '.chart { letter-spacing: 7px }\n',
    'src/plugins/chart/index.ts': `import './chart.css'\nimport { scale } from './scale'\nexport const meta = { version: '2.0.0', dependsOn: ['theme'] }\nexport function activate() { return scale(2) }\n`,
    'src/plugins/chart/scale.ts': `export const scale = (n: number) => n * 3\n`,
    'src/plugins/theme/index.ts': `export const meta = { version: '1.0.0' }\nexport function activate() {}\n`,
  })
  cleanups.push(tree.cleanup)
  const nodeEnv = process.env.NODE_ENV
  await build({
    root: tree.root,
    configFile: false,
    logLevel: 'silent',
    plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts', ...(feed === undefined ? {} : { feed }) })],
    build: { outDir: 'dist' },
  })
  if (nodeEnv === undefined) delete process.env.NODE_ENV
  else process.env.NODE_ENV = nodeEnv
  return path.join(tree.root, 'dist')
}

describe('the feed of a vite build', () => {
  it('names every plugin, its chunks and its CSS, with hashes of the very bytes written', async () => {
    const dist = await buildApp()
    const feed = JSON.parse(await readFile(path.join(dist, 'hot-plugins.json'), 'utf8'))
    expect(feed.plugins.map((p: { id: string; version: string; dependsOn?: string[] }) => [p.id, p.version, p.dependsOn])).toEqual([
      ['chart', '2.0.0', ['theme']],
      ['theme', '1.0.0', undefined],
    ])
    expect(feed.plugins[0].css).toEqual([{ url: expect.stringMatching(/^assets\/.+\.css$/), integrity: expect.stringMatching(/^sha384-/) }])
    expect(await readFile(path.join(dist, feed.plugins[0].css[0].url), 'utf8')).toContain('letter-spacing:7px')
    for (const plugin of feed.plugins) {
      for (const chunk of [plugin, ...plugin.imports, ...plugin.css]) {
        const bytes = await readFile(path.join(dist, chunk.url))
        expect(chunk.integrity, chunk.url).toBe(`sha384-${createHash('sha384').update(bytes).digest('base64')}`)
      }
    }
  }, 30_000)

  it('writes no feed with feed: false, and writes it where feed.file says', async () => {
    expect(await readdir(await buildApp(false))).not.toContain('hot-plugins.json')
    const dist = await buildApp({ file: 'feeds/plugins.json' })
    const feed = JSON.parse(await readFile(path.join(dist, 'feeds/plugins.json'), 'utf8'))
    expect(feed.plugins[0].url).toMatch(/^\.\.\/assets\/.+\.js$/)
  }, 30_000)
})
