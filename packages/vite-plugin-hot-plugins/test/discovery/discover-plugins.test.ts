import { stat } from 'node:fs/promises'
import path from 'node:path'
import { init } from 'es-module-lexer'
import { describe, expect, it } from 'vitest'
import { normalizePath } from 'vite'
import { createEntryMatcher, createReloadFilter, discoverPlugins, DuplicatePluginIdError, toServedUrl } from '../../src/discovery/discover-plugins.js'
import { createLookalikeFinder } from '../../src/discovery/entry-lookalikes.js'
import { DEFAULT_EXCLUDE } from '../../src/options.js'
import { cleanupAfterEach } from '../fixtures.js'

const plugin = `export function activate() {}`
const teardown = cleanupAfterEach()

describe('discoverPlugins', () => {
  it('maps every matching entry to an id, ignoring other files and node_modules', async () => {
    const tree = await teardown.tree({
      'src/plugins/counter/index.ts': plugin,
      'src/plugins/counter/format.ts': 'export const f = 1',
      'src/plugins/clock/index.ts': plugin,
      'src/plugins/readme.md': '# not a plugin',
      'src/plugins/node_modules/dep/index.ts': plugin,
      'src/other/index.ts': plugin,
    })
    const found = await discoverPlugins(tree.root, ['src/plugins/**/index.ts'])
    const root = normalizePath(tree.root)
    expect(found).toEqual([
      { id: 'clock', file: 'src/plugins/clock/index.ts', absFile: `${root}/src/plugins/clock/index.ts`, url: '/src/plugins/clock/index.ts' },
      {
        id: 'counter',
        file: 'src/plugins/counter/index.ts',
        absFile: `${root}/src/plugins/counter/index.ts`,
        url: '/src/plugins/counter/index.ts',
      },
    ])
  })

  it('finds the files named like entries that no glob matches in the same crawl, and keeps them out of the plugins', async () => {
    const tree = await teardown.tree({
      'src/plugins/counter/index.ts': plugin,
      'src/plugins/chart/index.tsx': plugin,
      'src/plugins/legacy/index.js': plugin,
      'src/plugins/old/index.mjs': plugin,
      'src/plugins/counter/helper.js': 'export const f = 1',
      'src/plugins/node_modules/dep/index.js': plugin,
    })
    const globs = ['src/plugins/*/index.{ts,tsx}']
    const found: string[][] = []
    const plugins = await discoverPlugins(tree.root, globs, [], undefined, { patterns: createLookalikeFinder(globs).patterns, found: (files) => found.push(files) })
    expect(plugins.map((p) => p.file)).toEqual(['src/plugins/chart/index.tsx', 'src/plugins/counter/index.ts'])
    expect(found).toEqual([['src/plugins/legacy/index.js', 'src/plugins/old/index.mjs']])
    // What the separate search finds, the same crawl finds.
    expect(createLookalikeFinder(globs).find(tree.root).filter((file) => !file.endsWith('.ts') && !file.endsWith('.tsx'))).toEqual(found[0])
  })

  it('names plugins after files when the glob matches files, and after nested folders', async () => {
    const tree = await teardown.tree({
      'src/plugins/theme.ts': plugin,
      'src/plugins/charts/line/index.ts': plugin,
    })
    const found = await discoverPlugins(tree.root, ['src/plugins/*.ts', 'src/plugins/**/index.ts'])
    expect(found.map((p) => [p.id, p.file])).toEqual([
      ['line', 'src/plugins/charts/line/index.ts'],
      ['theme', 'src/plugins/theme.ts'],
    ])
  })

  it('takes the id from a literal meta.id', async () => {
    const tree = await teardown.tree({ 'src/plugins/counter/index.ts': `export const meta = { id: 'tally' }\n${plugin}` })
    const [found] = await discoverPlugins(tree.root, ['src/plugins/*/index.ts'])
    expect(found?.id).toBe('tally')
  })

  it('refuses two entries with the same id, naming both files', async () => {
    const tree = await teardown.tree({
      'src/a/chart/index.ts': plugin,
      'src/b/chart/index.ts': plugin,
    })
    const discovery = discoverPlugins(tree.root, ['src/*/chart/index.ts'])
    await expect(discovery).rejects.toBeInstanceOf(DuplicatePluginIdError)
    await expect(discovery).rejects.toThrow(
      '[hot-plugins] two plugin entries have the id "chart": src/a/chart/index.ts and src/b/chart/index.ts.',
    )
  })

  it('lets meta.id resolve a clash of folder names', async () => {
    const tree = await teardown.tree({
      'src/a/chart/index.ts': `export const meta = { id: 'chart-a' }\n${plugin}`,
      'src/b/chart/index.ts': plugin,
    })
    const found = await discoverPlugins(tree.root, ['src/*/chart/index.ts'])
    expect(found.map((p) => p.id)).toEqual(['chart-a', 'chart'])
  })

  it('does not wait in line behind a busy thread pool, as the file watcher keeps it while the server starts', async () => {
    const entries = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`src/plugins/p${i}/index.ts`, plugin]))
    const tree = await teardown.tree(entries)
    await init
    // The watcher's first crawl queues a stat call per file and folder of the project.
    let done = 0
    const crawl = Array.from({ length: 5000 }, () => stat(tree.root).then(() => void done++))
    const found = await discoverPlugins(tree.root, ['src/plugins/*/index.ts'])
    expect(found).toHaveLength(20)
    expect(done, 'discovery finished only after the queued file-system calls').toBeLessThan(crawl.length)
    await Promise.all(crawl)
  })

  it('finds nothing, without failing, when no file matches', async () => {
    const tree = await teardown.tree({ 'src/main.ts': '' })
    expect(await discoverPlugins(tree.root, ['src/plugins/*/index.ts'])).toEqual([])
  })
})

describe('createEntryMatcher', () => {
  it('matches entry paths and nothing else', () => {
    const isEntry = createEntryMatcher(['src/plugins/*/index.{ts,js}'])
    expect(isEntry('src/plugins/counter/index.ts')).toBe(true)
    expect(isEntry('src/plugins/counter/index.js')).toBe(true)
    expect(isEntry('src/plugins/counter/format.ts')).toBe(false)
    expect(isEntry('src/plugins/a/b/index.ts')).toBe(false)
    expect(isEntry('src/main.ts')).toBe(false)
  })

  it('never matches inside node_modules', () => {
    expect(createEntryMatcher(['**/index.ts'])('node_modules/x/index.ts')).toBe(false)
  })
})

describe('createReloadFilter', () => {
  it('lets plugin sources through and keeps tests, declarations and editor files out by default', () => {
    const mayReload = createReloadFilter(['**'], [...DEFAULT_EXCLUDE])
    expect(mayReload('src/plugins/counter/format.ts')).toBe(true)
    expect(mayReload('src/plugins/counter/.hidden/util.ts')).toBe(true)
    for (const file of [
      'src/plugins/counter/format.test.ts',
      'src/plugins/counter/format.spec.tsx',
      'src/plugins/counter/__tests__/x.ts',
      'src/plugins/counter/types.d.ts',
      'src/plugins/counter/.index.ts.swp',
      'src/plugins/counter/index.ts~',
      'src/plugins/counter/.#index.ts',
      'src/plugins/counter/index.ts.bak',
      'node_modules/dep/index.js',
    ]) {
      expect(mayReload(file), file).toBe(false)
    }
  })

  it('honours include', () => {
    const mayReload = createReloadFilter(['src/plugins/**'], [])
    expect(mayReload('src/plugins/a/index.ts')).toBe(true)
    expect(mayReload('src/shared/util.ts')).toBe(false)
  })
})

describe('toServedUrl', () => {
  it('is root-relative inside the root and /@fs/ outside', () => {
    const root = path.resolve('/work/app')
    expect(toServedUrl(root, normalizePath(path.join(root, 'src/plugins/a/index.ts')))).toBe('/src/plugins/a/index.ts')
    expect(toServedUrl(root, '/work/shared/plugins/b/index.ts')).toBe('/@fs/work/shared/plugins/b/index.ts')
  })
})

describe('paths outside the Vite root', () => {
  it('match entry globs that start with ../', () => {
    const isEntry = createEntryMatcher(['src/plugins/*/index.ts', '../shared-plugins/*/index.ts'])
    expect(isEntry('../shared-plugins/notes/index.ts')).toBe(true)
    expect(isEntry('../shared-plugins/notes/format.ts')).toBe(false)
    expect(isEntry('../other/notes/index.ts')).toBe(false)
    expect(isEntry('../shared-plugins/node_modules/index.ts')).toBe(false)
    expect(createEntryMatcher(['**/index.ts'])('../../x/index.ts')).toBe(true)
  })

  it('may reload by default, and the default exclude list applies to them as inside the root', () => {
    const mayReload = createReloadFilter(['**'], [...DEFAULT_EXCLUDE])
    for (const file of ['../shared-plugins/notes/index.ts', '../../packages/plugin-a/src/index.ts', '../shared-lib/.hidden/x.ts']) {
      expect(mayReload(file), file).toBe(true)
    }
    for (const file of ['../shared-lib/format.test.ts', '../shared-lib/__tests__/a.ts', '../node_modules/dep/index.js', '../../x/types.d.ts', '../shared-lib/.#format.ts']) {
      expect(mayReload(file), file).toBe(false)
    }
  })

  it('are filtered by globs that name them, and not by globs anchored in the root', () => {
    const mayReload = createReloadFilter(['src/**', '../shared-lib/**'], ['../shared-lib/generated/**'])
    expect(mayReload('../shared-lib/format.ts')).toBe(true)
    expect(mayReload('../shared-lib/generated/x.ts')).toBe(false)
    expect(mayReload('../shared-plugins/notes/index.ts')).toBe(false)
    expect(mayReload('src/plugins/a/index.ts')).toBe(true)
  })
})
