import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { HotEvents, RESOLVED_VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import { describe, expect, it } from 'vitest'
import { build, createServer, isFileLoadingAllowed, normalizePath, type Logger, type Rollup } from 'vite'
import hotPlugins, { type HotPluginsOptions } from '../../src/index.js'
import { cleanupAfterEach } from '../fixtures.js'
import { makeWorkspace, plugin } from '../workspace-tree.js'

const teardown = cleanupAfterEach()
const workspace = () => makeWorkspace(teardown)

const everywhere: HotPluginsOptions = { plugins: ['src/plugins/*/index.ts', '../shared-plugins/*/index.ts', { packages: '@acme/plugin-*' }] }

/** A dev server on the workspace's app, its file watcher on, with what it logged and sent. */
async function serveWorkspace(options: HotPluginsOptions = everywhere, allow?: string[]) {
  const ws = await workspace()
  const logs: string[] = []
  const record = (message: string) => void logs.push(message)
  const logger: Logger = { info: record, warn: record, warnOnce: record, error: record, clearScreen: () => {}, hasErrorLogged: () => false, hasWarned: false }
  const server = teardown.server(await createServer({
    root: ws.root,
    configFile: false,
    customLogger: logger,
    plugins: [hotPlugins(options)],
    server: { middlewareMode: true, ws: false, ...(allow ? { fs: { allow } } : {}) },
    optimizeDeps: { noDiscovery: true },
  }))
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

  it("moves a plugin package's entry when its package.json changes while the server runs", async () => {
    const app = await serveWorkspace()
    await expect.poll(() => app.watching('packages/plugin-a/package.json')).toBe(true)
    await writeFile(path.join(app.real, 'packages/plugin-a/src/other.ts'), plugin)
    const manifestFile = path.join(app.real, 'packages/plugin-a/package.json')
    await writeFile(manifestFile, (await readFile(manifestFile, 'utf8')).replace('./src/index.ts', './src/other.ts'))
    await expect
      .poll(() => app.logs)
      .toContain('[hot-plugins] plugin moved: @acme/plugin-a (../packages/plugin-a/src/index.ts → ../packages/plugin-a/src/other.ts), the same plugin with its state')
  })

  it('adds a plugin package linked while the server runs, and removes one unlinked', async () => {
    const app = await serveWorkspace()
    await expect.poll(() => app.watching('app/src/plugins/counter/index.ts')).toBe(true)
    await mkdir(path.join(app.real, 'packages/plugin-d'))
    await writeFile(path.join(app.real, 'packages/plugin-d/package.json'), JSON.stringify({ name: '@acme/plugin-d', type: 'module', main: 'index.js' }))
    await writeFile(path.join(app.real, 'packages/plugin-d/index.js'), plugin)
    await symlink('../../../packages/plugin-d', path.join(app.root, 'node_modules/@acme/plugin-d'), 'dir')
    await expect.poll(() => app.logs).toContain('[hot-plugins] plugin added: @acme/plugin-d (../packages/plugin-d/index.js)')
    await rm(path.join(app.root, 'node_modules/@acme/plugin-d'))
    await expect.poll(() => app.logs).toContain('[hot-plugins] plugin removed: @acme/plugin-d (../packages/plugin-d/index.js), its state kept in case it comes back')
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

/** `vite build` of the workspace's app for production (NODE_ENV put back after it), with what it logged. */
async function buildForProduction(root: string, options: HotPluginsOptions) {
  const logs: string[] = []
  const record = (message: string) => void logs.push(message)
  const customLogger: Logger = { info: record, warn: record, warnOnce: record, error: record, clearScreen: () => {}, hasErrorLogged: () => false, hasWarned: false }
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    const result = await build({ root, configFile: false, customLogger, plugins: [hotPlugins(options)], build: { write: false } }).catch((error: unknown) => error as Error)
    return { result, logs }
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
  }
}

describe('vite build of an app with plugins outside its root and plugin packages', () => {
  it('fails with one error naming a package whose build entry does not exist, and what to do, before anything of the feed', async () => {
    const { root } = await workspace()
    // plugin-a: "development": ./src/index.ts, "default": ./dist/index.js, and no dist.
    const { result, logs } = await buildForProduction(root, { plugins: { packages: '@acme/plugin-a' } })
    expect(result).toBeInstanceOf(Error)
    const message = (result as Error).message
    expect(message).toContain(
      `[hot-plugins] plugin package "@acme/plugin-a" (../packages/plugin-a) cannot be imported by vite build: for the build's conditions (module, browser, production, import, default) its package.json names ./dist/index.js, which does not exist (the dev server loads ./src/index.ts, under "development"). Build the package first, or point a condition the build uses at its source ("production": "./src/index.ts", before "default", or a condition of your own added to resolve.conditions)`,
    )
    expect(message).not.toContain('failed to resolve import')
    expect(logs.filter((line) => line.includes('the feed lists no chunk'))).toEqual([])
  })

  it("ships a package's built file once it exists, and the feed lists that file", async () => {
    const { root, real } = await workspace()
    await mkdir(path.join(real, 'packages/plugin-a/dist'))
    await writeFile(path.join(real, 'packages/plugin-a/dist/index.js'), "export function activate() { return 'built plugin a' }\n")
    const { result, logs } = await buildForProduction(root, { plugins: { packages: '@acme/plugin-a' } })
    const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[]
    const items = outputs.flatMap((o) => o.output)
    const code = items.map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join('\n')
    expect(code).toContain('built plugin a')
    const feed = items.find((item) => item.fileName === 'hot-plugins.json')
    expect(feed?.type === 'asset' && JSON.parse(String(feed.source)).plugins).toEqual([expect.objectContaining({ id: '@acme/plugin-a', file: '../packages/plugin-a/dist/index.js' })])
    expect(logs.filter((line) => line.includes('[hot-plugins]'))).toEqual([])
  })

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
