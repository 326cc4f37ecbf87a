import { realpathSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { HotEvents, RESOLVED_VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { build, createServer, isFileLoadingAllowed, normalizePath, type Logger, type Rollup, type ViteDevServer } from 'vite'
import hotPlugins, { type HotPluginsOptions } from '../src/index.js'
import { createEntryMatcher, createReloadFilter, discoverPlugins } from '../src/discovery/discover-plugins.js'
import { createLookalikeFinder, describeLookalike } from '../src/discovery/entry-lookalikes.js'
import { createWatchedCheck, whyNotHotReloadable } from '../src/discovery/hot-reach.js'
import { DEFAULT_EXCLUDE } from '../src/options.js'
import { findPluginPackages, packageEntry } from '../src/discovery/plugin-packages.js'
import { makeTree } from './fixtures.js'

const plugin = 'export function activate() {}'
const manifest = (name: string, fields: Record<string, unknown> = {}) => JSON.stringify({ name, type: 'module', ...fields })
let cleanup: (() => Promise<void>) | undefined
let server: ViteDevServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  await cleanup?.()
})

/** A workspace: the app (the Vite root), plugins and a helper lib beside it, packages linked pnpm-style and npm-style. */
async function workspace() {
  const tree = await makeTree(
    {
      'app/package.json': manifest('app'),
      'app/index.html': '<script type="module" src="/src/main.ts"></script>',
      'app/src/main.ts': "import plugins from 'virtual:hot-plugins'\nfor (const p of plugins) p.load().then((m) => m.activate())",
      'app/src/plugins/counter/index.ts': "import { f } from '../../../../shared-lib/format'\nexport function activate() { return 'counter ' + f }",
      'app/src/plugins/legacy/index.js': plugin,
      'shared-plugins/notes/index.ts': "export function activate() { return 'notes plugin' }",
      'shared-lib/format.ts': 'export const f = 1',
      'packages/plugin-a/package.json': manifest('@acme/plugin-a', { exports: { '.': { types: './dist/index.d.ts', development: './src/index.ts', default: './dist/index.js' } } }),
      'packages/plugin-a/src/index.ts': "import { label } from './label'\nexport function activate() { return label }",
      'packages/plugin-a/src/label.ts': "export const label = 'plugin a label'",
      'packages/plugin-b/package.json': manifest('@acme/plugin-b', { module: './src/main.ts', main: './dist/main.cjs' }),
      'packages/plugin-b/src/main.ts': "export const meta = { id: 'beta' }\nexport function activate() { return 'plugin b' }",
      'packages/other/package.json': manifest('@acme/other'),
      'packages/other/index.js': plugin,
      // npm and yarn hoist workspace links to the workspace's own node_modules.
      'packages/plugin-c/package.json': manifest('@acme/plugin-c', { exports: './index.js' }),
      'packages/plugin-c/index.js': plugin,
      // Installed from a registry: a real folder in node_modules.
      'app/node_modules/@acme/plugin-installed/package.json': manifest('@acme/plugin-installed', { main: 'index.js' }),
      'app/node_modules/@acme/plugin-installed/index.js': plugin,
      'packages/plugin-broken/package.json': manifest('@acme/plugin-broken', { exports: { './x': './x.js' } }),
    },
    {
      'app/node_modules/@acme/plugin-a': '../../../packages/plugin-a',
      'app/node_modules/@acme/plugin-b': '../../../packages/plugin-b',
      'app/node_modules/@acme/other': '../../../packages/other',
      'app/node_modules/@acme/plugin-broken': '../../../packages/plugin-broken',
      'node_modules/@acme/plugin-c': '../../packages/plugin-c',
      // Shadowed by the app's own link, as in Node's lookup.
      'node_modules/@acme/plugin-a': '../../packages/plugin-c',
    },
  )
  cleanup = tree.cleanup
  const real = normalizePath(realpathSync(tree.root))
  return { root: `${real}/app`, real }
}

describe('plugin packages', () => {
  it('are found by name in node_modules up the tree, the nearest first, resolved through the link to their real entry', async () => {
    const { root, real } = await workspace()
    const search = findPluginPackages(root, ['@acme/plugin-*'])
    expect(search.found).toEqual([
      { name: '@acme/plugin-a', dir: `${real}/packages/plugin-a`, entry: `${real}/packages/plugin-a/src/index.ts`, linked: true },
      { name: '@acme/plugin-b', dir: `${real}/packages/plugin-b`, entry: `${real}/packages/plugin-b/src/main.ts`, linked: true },
      { name: '@acme/plugin-c', dir: `${real}/packages/plugin-c`, entry: `${real}/packages/plugin-c/index.js`, linked: true },
      {
        name: '@acme/plugin-installed',
        dir: `${root}/node_modules/@acme/plugin-installed`,
        entry: `${root}/node_modules/@acme/plugin-installed/index.js`,
        linked: false,
      },
    ])
    expect(search.problems).toEqual([
      `plugin package "@acme/plugin-broken" (${real}/packages/plugin-broken): its package.json "exports" has no "." entry for the conditions development, browser, module, import, default`,
    ])
    expect(findPluginPackages(root, ['@acme/other']).found.map((p) => p.name)).toEqual(['@acme/other'])
    expect(findPluginPackages(root, []).found).toEqual([])
  })

  it("read the entry from exports (conditions in the package's order), else module, else main", () => {
    expect(packageEntry({ exports: './a.js', module: './m.js' })).toBe('./a.js')
    expect(packageEntry({ exports: { import: './i.js', development: './d.js' } })).toBe('./i.js')
    expect(packageEntry({ exports: { '.': { node: './n.js', development: { types: './t.d.ts', default: './src.ts' } }, './x': './x.js' } })).toBe('./src.ts')
    expect(packageEntry({ exports: { '.': [{ require: './r.cjs' }, './fallback.js'] } })).toBe('./fallback.js')
    expect(packageEntry({ exports: { '.': { require: './r.cjs' } } })).toBeUndefined()
    expect(packageEntry({ module: './m.js', main: './c.cjs' })).toBe('./m.js')
    expect(packageEntry({ main: './c.js' })).toBe('./c.js')
    expect(packageEntry({})).toBe('index.js')
  })

  it('are plugins beside the globs: the package name is the id unless meta.id, the file is root-relative', async () => {
    const { root, real } = await workspace()
    const problems: string[] = []
    const found = await discoverPlugins(root, ['src/plugins/*/index.ts', '../shared-plugins/*/index.ts'], ['@acme/plugin-a', '@acme/plugin-b'], (p) => problems.push(p))
    expect(found).toEqual([
      { id: 'notes', file: '../shared-plugins/notes/index.ts', absFile: `${real}/shared-plugins/notes/index.ts`, url: `/@fs${real}/shared-plugins/notes/index.ts` },
      { id: 'counter', file: 'src/plugins/counter/index.ts', absFile: `${root}/src/plugins/counter/index.ts`, url: '/src/plugins/counter/index.ts' },
      {
        id: '@acme/plugin-a',
        file: '../packages/plugin-a/src/index.ts',
        absFile: `${real}/packages/plugin-a/src/index.ts`,
        url: `/@fs${real}/packages/plugin-a/src/index.ts`,
        package: '@acme/plugin-a',
      },
      {
        id: 'beta',
        file: '../packages/plugin-b/src/main.ts',
        absFile: `${real}/packages/plugin-b/src/main.ts`,
        url: `/@fs${real}/packages/plugin-b/src/main.ts`,
        package: '@acme/plugin-b',
      },
    ])
    expect(problems).toEqual([])
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

describe('what cannot hot-reload', () => {
  const checks = { mayReload: createReloadFilter(['**'], [...DEFAULT_EXCLUDE]), isServed: () => true, isWatched: () => true }
  const at = (file: string, extra: object = {}) => ({ id: 'p', file, absFile: `/ws/${file}`, url: `/${file}`, ...extra })

  it('names the reason: inside node_modules, not served, filtered out', () => {
    expect(whyNotHotReloadable(at('app/src/plugins/p/index.ts'), checks)).toBeUndefined()
    expect(whyNotHotReloadable(at('app/node_modules/@acme/p/index.js', { package: '@acme/p' }), checks)).toBe(
      'package "@acme/p" is installed in node_modules, not linked, and Vite neither watches nor hot-updates files there; make it a workspace package (pnpm, npm or yarn workspaces link it) to hot-reload it',
    )
    expect(whyNotHotReloadable(at('p/index.ts'), { ...checks, isServed: () => false })).toMatch(/outside Vite's server\.fs\.allow/)
    expect(whyNotHotReloadable(at('p/index.test.ts'), checks)).toBe('the "include"/"exclude" options filter it out, so its saves reload nothing')
    expect(whyNotHotReloadable(at('p/index.ts'), { ...checks, isWatched: () => false })).toBe(
      "Vite's file watcher ignores it (server.watch), so its saves never reach the dev server",
    )
  })

  it("knows what Vite's watcher ignores: server.watch.ignored (globs, patterns, functions), its cache, watching off", () => {
    const server = (watch: object | null | undefined) => ({ server: { watch } as never, cacheDir: '/ws/app/node_modules/.vite' })
    const watched = createWatchedCheck(server({ ignored: ['**/generated/**', /\.skip\.ts$/, (file: string) => file.endsWith('off.ts')] }))
    expect(watched('/ws/shared/a.ts')).toBe(true)
    for (const file of ['/ws/shared/generated/a.ts', '/ws/shared/b.skip.ts', '/ws/shared/off.ts', '/ws/app/node_modules/.vite/deps/x.js', '/ws/test-results/a.ts']) {
      expect(watched(file), file).toBe(false)
    }
    expect(createWatchedCheck(server(undefined))('/ws/shared/a.ts')).toBe(true)
    expect(createWatchedCheck(server({ ignored: '**/shared/**' }))('/ws/shared/a.ts')).toBe(false)
    expect(createWatchedCheck(server(null))('/ws/shared/a.ts')).toBe(false)
  })
})

describe('files named like an entry that no glob matches', () => {
  it('are found in the plugin folders, in any script extension', async () => {
    const tree = await makeTree({
      'src/plugins/a/index.ts': plugin,
      'src/plugins/b/index.js': plugin,
      'src/plugins/c/index.mjs': plugin,
      'src/plugins/c/index.test.ts': '',
      'src/plugins/d/index.css': '',
      'src/plugins/e/helper.js': '',
      'src/index.js': '',
    })
    cleanup = tree.cleanup
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

const everywhere: HotPluginsOptions = { plugins: ['src/plugins/*/index.ts', '../shared-plugins/*/index.ts', { packages: '@acme/plugin-*' }] }

/** A dev server on the workspace's app, its file watcher on, with what it logged and sent. */
async function serveWorkspace(options: HotPluginsOptions = everywhere, allow?: string[]) {
  const ws = await workspace()
  const logs: string[] = []
  const record = (message: string) => void logs.push(message)
  const logger: Logger = { info: record, warn: record, warnOnce: record, error: record, clearScreen: () => {}, hasErrorLogged: () => false, hasWarned: false }
  server = await createServer({
    root: ws.root,
    configFile: false,
    customLogger: logger,
    plugins: [hotPlugins(options)],
    server: { middlewareMode: true, ws: false, ...(allow ? { fs: { allow } } : {}) },
    optimizeDeps: { noDiscovery: true },
  })
  await server.environments.client.pluginContainer.buildStart()
  const running = server
  const client = running.environments.client
  const sent: { type?: string; event?: string; data?: unknown; updates?: { path: string }[] }[] = []
  const send = client.hot.send.bind(client.hot)
  client.hot.send = ((payload: unknown, data?: unknown) => {
    sent.push(typeof payload === 'string' ? { event: payload, data } : (payload as never))
    return (send as (...a: unknown[]) => void)(payload, data)
  }) as typeof client.hot.send
  /** Whether Vite's watcher watches this file of the workspace (it adds a file outside the root once it was loaded). */
  const watching = (file: string) => (running.watcher.getWatched()[path.dirname(path.join(ws.real, file))] ?? []).includes(path.basename(file))
  /** Appends a line to a file of the workspace. */
  const save = async (file: string, line: string) => {
    const abs = path.join(ws.real, file)
    await writeFile(abs, `${await readFile(abs, 'utf8')}\n${line}\n`)
  }
  const announced = () => sent.filter((m) => m.event === HotEvents.update).map((m) => m.data)
  return { ...ws, server: running, logs, sent, announced, watching, save }
}

describe('a dev server on an app with plugins outside its root and plugin packages', () => {
  it('hot-updates entries and helpers outside the root, and files of linked packages, as files under src/', async () => {
    const app = await serveWorkspace()
    const urls = ['/src/plugins/counter/index.ts', `/@fs${app.real}/shared-lib/format.ts`, `/@fs${app.real}/shared-plugins/notes/index.ts`, `/@fs${app.real}/packages/plugin-a/src/index.ts`, `/@fs${app.real}/packages/plugin-a/src/label.ts`]
    for (const url of urls) await app.server.transformRequest(url)
    const saves: [string, object][] = [
      ['shared-plugins/notes/index.ts', { files: ['../shared-plugins/notes/index.ts'], plugins: ['notes'] }],
      ['shared-lib/format.ts', { files: ['../shared-lib/format.ts'], plugins: ['counter'] }],
      ['packages/plugin-a/src/index.ts', { files: ['../packages/plugin-a/src/index.ts'], plugins: ['@acme/plugin-a'] }],
      ['packages/plugin-a/src/label.ts', { files: ['../packages/plugin-a/src/label.ts'], plugins: ['@acme/plugin-a'] }],
    ]
    for (const [i, [file, announcement]] of saves.entries()) {
      await expect.poll(() => app.watching(file)).toBe(true)
      await app.save(file, `export const edited = ${i}`)
      await expect.poll(() => app.announced()).toHaveLength(i + 1)
      expect(app.announced()[i]).toMatchObject(announcement)
    }
  })

  it('serves the entries outside the root: their folders join server.fs.allow beside the workspace root', async () => {
    const app = await serveWorkspace()
    const allow = app.server.config.server.fs.allow
    expect(allow).toEqual(expect.arrayContaining([app.root, `${app.real}/shared-plugins`, `${app.real}/packages/plugin-a`, `${app.real}/packages/plugin-b`]))
    const loaded = await app.server.environments.client.pluginContainer.load(RESOLVED_VIRTUAL_REGISTRY_ID)
    const registry = typeof loaded === 'string' ? { code: loaded } : loaded
    for (const file of ['shared-plugins/notes/index.ts', 'packages/plugin-a/src/index.ts', 'packages/plugin-b/src/main.ts']) {
      expect(isFileLoadingAllowed(app.server.config, `${app.real}/${file}`), file).toBe(true)
      expect(registry?.code).toContain(`import.meta.hot.accept("/@fs${app.real}/${file}"`)
    }
    // Plugin packages are served as source, never pre-bundled, and the dependency scanner crawls their entries.
    expect(app.server.config.optimizeDeps.exclude).toEqual(expect.arrayContaining(['@acme/plugin-a', '@acme/plugin-b', '@acme/plugin-c']))
    expect(app.server.config.optimizeDeps.entries).toEqual(expect.arrayContaining(['../shared-plugins/*/index.ts', '../packages/plugin-a/src/index.ts']))
  })

  it("adds those folders to the user's own server.fs.allow, which replaces Vite's default", async () => {
    const app = await serveWorkspace(everywhere, ['src'])
    const allow = app.server.config.server.fs.allow
    expect(allow).toContain(`${app.root}/src`)
    expect(allow).toContain(`${app.real}/shared-plugins`)
    expect(allow).not.toContain(app.root)
  })

  it('warns once about each thing found that cannot hot-reload, and about an entry no glob matches', async () => {
    const app = await serveWorkspace({ plugins: ['src/plugins/*/index.ts', { packages: '@acme/plugin-*' }], exclude: ['**/plugin-c/**'] })
    const warnings = () => app.logs.filter((line) => line.includes('[hot-plugins]'))
    expect(warnings()).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`plugin "@acme/plugin-installed" (node_modules/@acme/plugin-installed/index.js) cannot hot-reload: package "@acme/plugin-installed" is installed in node_modules, not linked`),
        `[hot-plugins] plugin "@acme/plugin-c" (../packages/plugin-c/index.js) cannot hot-reload: the "include"/"exclude" options filter it out, so its saves reload nothing. It still runs, with the code the page loaded.`,
        `[hot-plugins] plugin package "@acme/plugin-broken" (${app.real}/packages/plugin-broken): its package.json "exports" has no "." entry for the conditions development, browser, module, import, default; it is not loaded.`,
        `[hot-plugins] src/plugins/legacy/index.js is named like a plugin entry, but no "plugins" glob matches it (src/plugins/*/index.ts), so it is not a plugin; if it is one, add its extension: 'src/plugins/*/index.{ts,js}'`,
      ]),
    )
    const count = warnings().length
    expect(count).toBe(4)
    // A new entry makes the dev server discover again, which finds the same: nothing is said twice.
    await expect.poll(() => app.watching('app/src/plugins/counter/index.ts')).toBe(true)
    await mkdir(path.join(app.root, 'src/plugins/fresh'))
    await writeFile(path.join(app.root, 'src/plugins/fresh/index.ts'), plugin)
    await expect.poll(() => app.logs.some((line) => line.includes('plugin added: fresh'))).toBe(true)
    expect(warnings().filter((line) => !line.includes('plugin added'))).toHaveLength(count)
  })

  it('says so, once per file, when a save of a plugin\'s helper is filtered out', async () => {
    const app = await serveWorkspace({ plugins: 'src/plugins/*/index.ts', exclude: ['../shared-lib/**'] })
    await app.server.transformRequest('/src/plugins/counter/index.ts')
    await app.server.transformRequest(`/@fs${app.real}/shared-lib/format.ts`)
    await expect.poll(() => app.watching('shared-lib/format.ts')).toBe(true)
    await app.save('shared-lib/format.ts', 'export const g = 2')
    const filtered = '[hot-plugins] ../shared-lib/format.ts changed, but the "include"/"exclude" options filter it out, so counter is not reloaded; the page gets it on its next reload (said once per file)'
    await expect.poll(() => app.logs).toContain(filtered)
    expect(app.announced()).toEqual([])
  })
})

describe('vite build of an app with plugins outside its root and plugin packages', () => {
  it('bundles every plugin: the ../ globs by file, the packages by name', async () => {
    const { root } = await workspace()
    const nodeEnv = process.env.NODE_ENV
    try {
      const result = await build({ root, configFile: false, logLevel: 'silent', plugins: [hotPlugins(everywhere)], build: { write: false } })
      const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[]
      const code = outputs.flatMap((o) => o.output).map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join('\n')
      for (const marker of ['counter ', 'notes plugin', 'plugin a label', 'plugin b']) expect(code, marker).toContain(marker)
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = nodeEnv
    }
  })
})
