import { writeFile } from 'node:fs/promises'
import { SourceMap } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLogger, createServer, normalizePath, type Plugin, type ViteDevServer } from 'vite'
import { HotEvents, RESOLVED_VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import hotPlugins from '../../src/index.js'
import { cleanupAfterEach, listeningServer, middlewareServer } from '../fixtures.js'

const counter = [
  "import { formatCount } from './format'",
  '',
  "export const meta: { version: string } = { version: '1.0.0' }",
  'let count: number = 0',
  'export function activate(ctx: { panel: { textContent: string } }) {',
  '  ctx.panel.textContent = formatCount(count)',
  '}',
].join('\n')

const files = {
  'src/plugins/counter/index.ts': counter,
  'src/plugins/counter/format.ts':
    "import { shared } from '../../shared'\nexport const formatCount = (n: number) => `${shared()}${n} clicks`",
  'src/plugins/chart/index.ts':
    "import { shared } from '../../shared'\nimport { widget } from './widget'\nexport function activate() { shared(); widget() }",
  // Like a component module under React Fast Refresh: it handles its own updates.
  'src/plugins/chart/widget.ts': 'export function widget() {}\nif (import.meta.hot) import.meta.hot.accept()',
  'src/shared.ts': "export function shared() { return '' }",
  'src/main.ts': "import plugins from 'virtual:hot-plugins'\nconsole.log(plugins)",
}

const teardown = cleanupAfterEach()

async function serve(tree: Record<string, string>, options?: Parameters<typeof hotPlugins>[0]) {
  const made = await teardown.tree(tree)
  const server = teardown.server(await middlewareServer(made.root, options))
  return { root: normalizePath(made.root), server }
}

/** Sends file changes through every plugin's hotUpdate hook; records what they sent and returned. */
function recordHotUpdates(root: string, server: ViteDevServer) {
  const client = server.environments.client
  const sent: unknown[][] = []
  const send = client.hot.send.bind(client.hot)
  client.hot.send = ((...args: unknown[]) => {
    sent.push(args)
    return (send as (...a: unknown[]) => void)(...args)
  }) as typeof client.hot.send
  const edited = (file: string) => `${files[file as keyof typeof files]}\n// edited`
  const write = (file: string) => writeFile(path.join(root, file), edited(file))
  /** Runs the hotUpdate hooks for a change of `file`, as Vite does once its watcher reported it. */
  const changed = async (file: string) => {
    const abs = path.join(root, file)
    const modules = [...(client.moduleGraph.getModulesByFile(normalizePath(abs)) ?? [])]
    const results: unknown[] = []
    for (const plugin of server.config.plugins) {
      const hook = plugin.hotUpdate
      if (typeof hook !== 'function') continue
      results.push(
        await hook.call({ environment: client } as never, {
          type: 'update',
          file: normalizePath(abs),
          timestamp: 123,
          modules,
          read: async () => edited(file),
          server,
        }),
      )
    }
    return results
  }
  const change = async (file: string) => {
    await write(file)
    return changed(file)
  }
  return { sent, change, write, changed }
}

describe('hotPlugins() in a dev server', () => {
  it('serves a registry that accepts every entry by its literal URL', async () => {
    const { server } = await serve(files)
    const result = await server.environments.client.pluginContainer.load(RESOLVED_VIRTUAL_REGISTRY_ID)
    const code = typeof result === 'string' ? result : result?.code
    expect(code).toContain('import { createHotRegistry } from "@hot-plugins/client/hot"')
    expect(code).toContain('{ id: "chart", file: "src/plugins/chart/index.ts", url: "/src/plugins/chart/index.ts"')
    expect(code).toContain(
      'import.meta.hot.accept("/src/plugins/counter/index.ts", (module) => registry.accept("counter", module))',
    )
    expect(code).toContain('import.meta.hot.accept("/src/plugins/chart/index.ts", (module) => registry.accept("chart", module))')
    // The runtime's configuration: the project key (a hash of the root) and the state options.
    expect(code).toMatch(
      /\], import\.meta\.hot, \{"project":"[0-9a-f]{16}","base":"\/","retry":\{"attempts":3,"initialDelayMs":100,"maxDelayMs":2000,"factor":2,"jitter":0\.2\},"fallback":"reload","failuresBeforeFallback":3,"enabled":true,"state":\{"persist":true,"restoreOnReload":"auto"\},"overlay":\{"position":"bottom-right","open":false,"badge":true\},"reloadDependents":true,"leaks":"warn"\}\)/,
    )
  })

  it('leaves SSR as Vite has it: a plain list of entries, its entries unchecked, its updates untouched', async () => {
    const { server } = await serve(files)
    const ssr = server.environments.ssr
    const result = await ssr.pluginContainer.load(RESOLVED_VIRTUAL_REGISTRY_ID)
    const code = typeof result === 'string' ? result : result?.code
    expect(code).toContain('Object.freeze({ id: "counter", file: "src/plugins/counter/index.ts"')
    expect(code).not.toContain('createHotRegistry')
    expect(code).not.toContain('import.meta.hot')
    // Our per-environment plugins run for the browser's environment alone, on the same server.
    const ours = ['hot-plugins:serve', 'hot-plugins:entries']
    expect(ssr.plugins.filter((p) => ours.includes(p.name))).toEqual([])
    expect(server.environments.client.plugins.filter((p) => ours.includes(p.name)).map((p) => p.name).sort()).toEqual(ours.sort())
  })

  it('serves an entry as Vite made it: nothing appended, its source map back to the TypeScript source', async () => {
    const { server } = await serve(files)
    const entry = await server.transformRequest('/src/plugins/counter/index.ts')
    const withoutUs = teardown.server(await createServer({ root: server.config.root, configFile: false, logLevel: 'silent', server: { middlewareMode: true, ws: false, watch: null }, optimizeDeps: { noDiscovery: true } }))
    expect(entry?.code).toBe((await withoutUs.transformRequest('/src/plugins/counter/index.ts'))?.code)
    const map = new SourceMap(entry!.map as never)
    const lines = entry!.code.split('\n')
    const mapped = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle))
      return map.findEntry(line, lines[line]!.indexOf(needle))
    }
    expect(mapped('let count')).toMatchObject({ originalLine: 3 })
    expect(mapped('ctx.panel.textContent')).toMatchObject({ originalLine: 5 })
  })

  it('names both files when two entries share an id: in the terminal once it listens, and as the registry fails to load', async () => {
    const made = await teardown.tree({ 'src/a/p/index.ts': 'export function activate() {}', 'src/b/p/index.ts': 'export function activate() {}' })
    const errors: string[] = []
    const logger = createLogger('silent')
    logger.error = (message) => void errors.push(message)
    const server = teardown.server(
      await createServer({
        root: made.root,
        configFile: false,
        customLogger: logger,
        plugins: [hotPlugins({ plugins: 'src/*/p/index.ts' })],
        server: { port: 0, ws: false, watch: null },
      }),
    )
    await server.listen()
    const named = 'two plugin entries have the id "p": src/a/p/index.ts and src/b/p/index.ts'
    await expect.poll(() => errors.join('\n')).toContain(named)
    await expect(server.environments.client.pluginContainer.load(RESOLVED_VIRTUAL_REGISTRY_ID)).rejects.toThrow(named)
  })

  it('warms up the plugin entries it found once listening: their transforms start before the browser asks for them', async () => {
    const made = await teardown.tree(files)
    const server = teardown.server(
      await createServer({
        root: made.root,
        configFile: false,
        logLevel: 'silent',
        plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts' })],
        server: { port: 0, ws: false, watch: null },
        optimizeDeps: { noDiscovery: true },
      }),
    )
    // Not by a glob of Vite's inside listen(): the entries come from the discovery after it.
    expect(server.config.server.warmup.clientFiles).toEqual([])
    await server.listen()
    const transformed = async (url: string) => (await server.environments.client.moduleGraph.getModuleByUrl(url))?.transformResult != null
    await expect.poll(() => transformed('/src/plugins/counter/index.ts')).toBe(true)
    await expect.poll(() => transformed('/src/plugins/chart/index.ts')).toBe(true)
    expect(await transformed('/src/main.ts')).toBe(false)
  })

  it("points Vite's dependency scanner at the plugin entries, which it cannot find through the virtual registry", async () => {
    const { server } = await serve(files)
    expect(server.config.optimizeDeps.entries).toEqual(['**/*.html', '!**/__tests__/**', '!**/coverage/**', 'src/plugins/*/index.ts'])
  })

  it("serves the client and its own dependencies unbundled, so that the page's first import of them reloads nothing and the start resolves none of them", async () => {
    const { server } = await serve(files)
    expect(server.config.optimizeDeps.exclude).toEqual(expect.arrayContaining(['@hot-plugins/client', 'idb-keyval']))
    expect(server.config.optimizeDeps.include ?? []).toEqual([])
  })

  it('announces which plugins own a changed file, and stays silent for other files', async () => {
    const { root, server } = await serve(files)
    for (const url of ['/src/plugins/counter/index.ts', '/src/plugins/chart/index.ts', '/src/plugins/chart/widget.ts', '/src/main.ts']) {
      await server.transformRequest(url)
    }
    const { sent, change } = recordHotUpdates(root, server)
    await change('src/plugins/counter/format.ts')
    await change('src/shared.ts')
    await change('src/main.ts')
    await change('src/plugins/chart/widget.ts')
    const announcements = sent.filter(([event]) => event === HotEvents.update).map(([, data]) => data)
    expect(announcements).toEqual([
      { files: ['src/plugins/counter/format.ts'], plugins: ['counter'], timestamp: 123, batch: 1 },
      { files: ['src/shared.ts'], plugins: ['chart', 'counter'], timestamp: 123, batch: 2 },
    ])
  })

  it('announces changes of a burst as one batch, and only after every one of them compiled', async () => {
    const { root, server } = await serve(files)
    for (const url of ['/src/plugins/counter/index.ts', '/src/plugins/chart/index.ts', '/src/plugins/chart/widget.ts']) {
      await server.transformRequest(url)
    }
    const { sent, write, changed } = recordHotUpdates(root, server)
    // Like a checkout: both files written, then both changes reported at once (each write awaited
    // on its own would let the first change be checked, and its batch closed, before the second).
    const burst = ['src/plugins/counter/format.ts', 'src/plugins/chart/index.ts']
    await Promise.all(burst.map(write))
    const results = await Promise.all(burst.map(changed))
    const announcements = sent.filter(([event]) => event === HotEvents.update).map(([, data]) => data)
    expect(announcements).toEqual([
      { files: ['src/plugins/chart/index.ts', 'src/plugins/counter/format.ts'], plugins: ['chart', 'counter'], timestamp: 123, batch: 1 },
    ])
    // One update for the batch: one change carries the modules of both to Vite, the other none.
    const carried = results.map((r) => (r.find(Array.isArray) as { url: string }[]).map((m) => m.url).sort())
    expect(carried.sort((a, b) => b.length - a.length)).toEqual([['/src/plugins/chart/index.ts', '/src/plugins/counter/format.ts'], []])
  })

  it('sends nothing for a changed file the exclude option filters out, even if a plugin imports it', async () => {
    const { root, server } = await serve(files, { plugins: 'src/plugins/*/index.ts', exclude: ['src/plugins/counter/format.ts'] })
    for (const url of ['/src/plugins/counter/index.ts', '/src/plugins/chart/index.ts']) await server.transformRequest(url)
    const { sent, change } = recordHotUpdates(root, server)
    const results = await change('src/plugins/counter/format.ts')
    expect(results).toContainEqual([])
    expect(sent.filter(([event]) => event === HotEvents.update)).toEqual([])
  })
})

describe("the browser's request for a changed plugin module", () => {
  const entry = 'src/plugins/counter/index.ts'
  const version = (n: number) => `export const generation = ${n}\nexport function activate() {}\n`
  const main = "import './plugins/counter/index'\nimport.meta.hot?.accept('./plugins/counter/index', () => {})\n"

  /** A listening dev server whose watcher we drive, counting the transforms of the entry. */
  async function listen(tree: Record<string, string>, plugins: Plugin[] = []) {
    const made = await teardown.tree(tree)
    const transformed: string[] = []
    const counting: Plugin = {
      name: 'count-transforms',
      transform(code, id) {
        if (id.endsWith(entry)) transformed.push(code)
      },
    }
    const { server: running, base } = await listeningServer(made.root, [counting, ...plugins])
    teardown.server(running)
    const get = async (url: string) => (await fetch(base + url)).text()
    // What accepts the entry's updates, as the registry does in an app.
    await get('/src/main.ts')
    /** Writes the file and lets Vite handle the change (or the creation) as its watcher would; resolves to the update's timestamp. */
    const save = async (file: string, content: string, event: 'change' | 'add' = 'change'): Promise<number> => {
      await writeFile(path.join(made.root, file), content)
      const client = running.environments.client
      const send = client.hot.send.bind(client.hot)
      const sent = new Promise<number>((resolve, reject) => {
        client.hot.send = ((payload: { type?: string; updates?: { timestamp: number }[] }, ...rest: unknown[]) => {
          if (payload.type === 'update') resolve(payload.updates![0]!.timestamp)
          if (payload.type === 'error' || payload.type === 'full-reload') reject(new Error(`Vite sent ${payload.type}`))
          return (send as (...a: unknown[]) => void)(payload, ...rest)
        }) as typeof client.hot.send
      })
      running.watcher.emit(event, path.join(made.root, file))
      return sent
    }
    return { get, save, transformed, root: made.root }
  }

  it('is served from the transform that validated the change: one transform per save', async () => {
    const app = await listen({ [entry]: version(1), 'src/main.ts': main })
    expect(await app.get(`/${entry}`)).toContain('generation = 1')
    expect(app.transformed).toHaveLength(1)

    const timestamp = await app.save(entry, version(2))
    expect(app.transformed, 'validated before the update was sent').toHaveLength(2)
    expect(await app.get(`/${entry}?t=${timestamp}`)).toContain('generation = 2')
    expect(app.transformed).toHaveLength(2)
  })

  it("is loaded by another plugin that loads the file, ahead of the content the validation read", async () => {
    const loading: Plugin = {
      name: 'loads-the-entry',
      load(id) {
        if (id.endsWith(entry)) return 'export const generation = 99\nexport function activate() {}\n'
      },
    }
    const app = await listen({ [entry]: version(1), 'src/main.ts': main }, [loading])
    await app.get(`/${entry}`)
    const timestamp = await app.save(entry, version(2))
    expect(app.transformed.at(-1)).toContain('generation = 99')
    expect(await app.get(`/${entry}?t=${timestamp}`)).toContain('generation = 99')
  })

  it('transforms again when the file changed after validation (a save the watcher dropped)', async () => {
    const app = await listen({ [entry]: version(1), 'src/main.ts': main })
    await app.get(`/${entry}`)
    const timestamp = await app.save(entry, version(2))
    await writeFile(path.join(app.root, entry), version(3))
    expect(await app.get(`/${entry}?t=${timestamp}`)).toContain('generation = 3')
    expect(app.transformed).toHaveLength(3)
  })

  it('is the entry itself when the helper it failed to import is created: the new file is not loaded as the entry', async () => {
    const app = await listen({ [entry]: "import { greet } from './helper'\nexport function activate() { return greet() }\n", 'src/main.ts': main })
    expect(await app.get(`/${entry}`)).toMatch(/Failed to resolve import/)
    // Vite's update for the created helper carries the entry whose import of it failed.
    const timestamp = await app.save('src/plugins/counter/helper.ts', "export const greet = () => 'hi'\n", 'add')
    const served = await app.get(`/${entry}?t=${timestamp}`)
    expect(served).toContain('export function activate()')
    expect(served).toContain('/src/plugins/counter/helper.ts')
    expect(served).not.toContain("export const greet = () => 'hi'")
  })

  it('transforms again when a module it imports got new code in the same update (an import cycle)', async () => {
    const app = await listen({
      [entry]: "import { label } from './label'\nexport const generation = 1\nexport function activate() { return label }\n",
      'src/plugins/counter/label.ts': "import { generation } from './index'\nexport const label = () => generation\n",
      'src/main.ts': main,
    })
    await app.get(`/${entry}`)
    await app.get('/src/plugins/counter/label.ts')
    const timestamp = await app.save(entry, "import { label } from './label'\nexport const generation = 2\nexport function activate() { return label }\n")
    // The new entry must import the new label module (which imports it back), not the old one.
    expect(await app.get(`/${entry}?t=${timestamp}`)).toContain(`/src/plugins/counter/label.ts?t=${timestamp}`)
    expect(app.transformed).toHaveLength(3)
  })
})

describe("a plugin's component that a framework's HMR refreshes in place", () => {
  const widget = 'src/plugins/chart/widget.ts'
  // Like a component under React Fast Refresh: it accepts its own updates, so no plugin is swapped for it.
  const version = (n: number) => `export const generation = ${n}\nif (import.meta.hot) import.meta.hot.accept()\n`
  const tree = {
    'src/plugins/chart/index.ts': "import { generation } from './widget'\nexport function activate() { return generation }\n",
    [widget]: version(1),
    'src/main.ts': "import plugins from 'virtual:hot-plugins'\nconsole.log(plugins)\n",
  }

  it('gets the final content of a burst whose last event the watcher dropped', async () => {
    const made = await teardown.tree(tree)
    const { server: running, base } = await listeningServer(made.root)
    teardown.server(running)
    const get = async (url: string) => (await fetch(base + url)).text()
    await get('/src/plugins/chart/index.ts')
    await get(`/${widget}`)
    const client = running.environments.client
    const send = client.hot.send.bind(client.hot)
    const updates: { path: string; timestamp: number }[] = []
    let next: ((update: { path: string; timestamp: number }) => void) | undefined
    client.hot.send = ((payload: { type?: string; updates?: { path: string; timestamp: number }[] }, ...rest: unknown[]) => {
      for (const update of payload.type === 'update' ? payload.updates! : []) {
        updates.push(update)
        next?.(update)
      }
      return (send as (...a: unknown[]) => void)(payload, ...rest)
    }) as typeof client.hot.send
    const nextUpdate = () => new Promise<{ path: string; timestamp: number }>((resolve) => (next = resolve))

    const first = nextUpdate()
    await writeFile(path.join(made.root, widget), version(2))
    running.watcher.emit('change', path.join(made.root, widget))
    expect((await first).path).toBe(`/${widget}`)

    // Saved again right away; the watcher drops this event (it throttles events of one path).
    const replayed = nextUpdate()
    await writeFile(path.join(made.root, widget), version(3))
    const update = await replayed
    expect(update.path).toBe(`/${widget}`)
    expect(await get(`/${widget}?t=${update.timestamp}`)).toContain('generation = 3')
    expect(updates.map((u) => u.path)).toEqual([`/${widget}`, `/${widget}`])
  })
})
