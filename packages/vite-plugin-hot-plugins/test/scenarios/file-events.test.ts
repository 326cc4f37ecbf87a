import { rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createServer, type Logger, type Plugin } from 'vite'
import { HotEvents, RESOLVED_VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import hotPlugins from '../../src/index.js'
import { cleanupAfterEach } from '../fixtures.js'

/** Where the page fetches the registry: its id, served as a virtual module (no NUL byte to encode). */
const REGISTRY_URL = '/@id/virtual:hot-plugins'
/** The registry's own update: one js-update under each form of its URL (see hmr/registry-update.ts). */
const REGISTRY_UPDATE = [RESOLVED_VIRTUAL_REGISTRY_ID, REGISTRY_URL]

/** A plugin of two files, as users write them: an entry importing a helper. */
const twoFilePlugin = (folder: string, word = 'clicked') => ({
  [`src/plugins/${folder}/index.ts`]: `import { describe } from './helper'\nexport function activate() { return describe(1) }\n`,
  [`src/plugins/${folder}/helper.ts`]: `export const describe = (n: number) => \`${word} \${n}\`\n`,
})

const teardown = cleanupAfterEach()

interface Sent {
  type?: string
  event?: string
  data?: { file?: string; plugins?: string[]; message?: string; files?: string[] }
  updates?: { path: string; acceptedPath: string }[]
}

/**
 * A listening dev server whose file watcher the test drives, as chokidar would: every file event
 * goes through Vite's whole pipeline (its module graph, every hotUpdate hook, its update). Records
 * what is sent to the browser and what is logged; `drained()` resolves once every event emitted so
 * far has gone through the hotUpdate hooks of both environments (ours runs in the client's only).
 */
async function listen(tree: Record<string, string>) {
  const made = await teardown.tree({ ...tree, 'stub/hot.ts': 'export function createHotRegistry(entries: unknown) { return { entries } }\n' })
  const logs: string[] = []
  const log = (message: string) => void logs.push(message)
  const logger: Logger = { info: log, warn: log, warnOnce: log, error: log, clearScreen: () => {}, hasErrorLogged: () => false, hasWarned: false }
  // Runs after ours in each environment (Vite awaits the hooks one by one): counts the events handled.
  let handled = 0
  const afterOurs: Plugin = {
    name: 'count-handled',
    hotUpdate() {
      handled++
    },
  }
  const server = teardown.server(await createServer({
    root: made.root,
    configFile: false,
    customLogger: logger,
    plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts' }), afterOurs],
    // The registry's runtime import, without installing the client into the temp folder.
    resolve: { alias: { '@hot-plugins/client/hot': path.join(made.root, 'stub/hot.ts') } },
    server: { port: 0, watch: null },
    optimizeDeps: { noDiscovery: true },
  }))
  await server.listen()
  const running = server
  const base = running.resolvedUrls!.local[0]!.replace(/\/$/, '')
  const get = async (url: string) => {
    const response = await fetch(base + url)
    expect(response.status, url).toBe(200)
    return response.text()
  }
  // What the page loads: the registry (which accepts every entry) and the entries it imports.
  await get(REGISTRY_URL)
  for (const file of Object.keys(tree)) if (file.endsWith('/index.ts')) await get(`/${file}`)
  for (const file of Object.keys(tree)) if (!file.endsWith('/index.ts')) await get(`/${file}`)

  const sent: Sent[] = []
  const client = running.environments.client
  const send = client.hot.send.bind(client.hot)
  client.hot.send = ((payload: Sent | string, data?: Sent['data']) => {
    sent.push(typeof payload === 'string' ? { event: payload, data } : payload)
    return (send as (...a: unknown[]) => void)(payload, data)
  }) as typeof client.hot.send

  // Every file event, the ones the dev server replays itself included.
  let emitted = 0
  for (const event of ['change', 'add', 'unlink']) running.watcher.on(event, () => emitted++)
  const abs = (file: string) => path.join(made.root, file)
  return {
    root: made.root,
    server: running,
    get,
    sent,
    logs,
    updates: () => sent.filter((s) => s.type === 'update').map((s) => s.updates!.map((u) => u.acceptedPath)),
    errors: () => sent.filter((s) => s.type === 'error' || s.type === 'full-reload' || s.event === HotEvents.error),
    write: (file: string, content: string) => writeFile(abs(file), content),
    remove: (file: string) => rm(abs(file)),
    emit(event: 'change' | 'unlink' | 'add', file: string) {
      running.watcher.emit(event, abs(file))
    },
    /** Every emitted event went through the hooks (client and SSR), and what followed it in the same turn ran. */
    async drained() {
      await vi.waitFor(() => expect(handled).toBe(emitted * 2), { timeout: 5_000 })
      await new Promise((resolve) => setImmediate(resolve))
    },
  }
}

describe('two files of one plugin saved together', () => {
  it('reach the browser as one update of its entry: the plugin swaps once, with both files in its batch', async () => {
    const app = await listen({ ...twoFilePlugin('counter'), ...twoFilePlugin('other') })
    await Promise.all([
      app.write('src/plugins/counter/index.ts', "import { describe } from './helper'\nexport function activate() { return describe(2) }\n"),
      app.write('src/plugins/counter/helper.ts', 'export const describe = (n: number) => `pressed ${n}`\n'),
    ])
    app.emit('change', 'src/plugins/counter/index.ts')
    app.emit('change', 'src/plugins/counter/helper.ts')
    await vi.waitFor(() => expect(app.updates()).toHaveLength(1))
    await app.drained()
    expect(app.updates()).toEqual([['/src/plugins/counter/index.ts']])
    const announcements = app.sent.filter((s) => s.event === HotEvents.update).map((s) => s.data)
    expect(announcements).toEqual([
      expect.objectContaining({ files: ['src/plugins/counter/helper.ts', 'src/plugins/counter/index.ts'], plugins: ['counter'] }),
    ])
    expect(app.errors()).toEqual([])
    // One terminal line for it, naming the files and the plugin (Vite's named only the registry).
    expect(app.logs.filter((l) => l.includes('hmr update'))).toEqual([
      expect.stringContaining('src/plugins/counter/helper.ts, src/plugins/counter/index.ts → counter'),
    ])
  })

  it('with a helper two plugins share: each entry once, in one update', async () => {
    const app = await listen({
      ...twoFilePlugin('a'),
      'src/plugins/b/index.ts': "import { describe } from '../a/helper'\nexport function activate() { return describe(3) }\n",
    })
    await Promise.all([
      app.write('src/plugins/a/helper.ts', 'export const describe = (n: number) => `pressed ${n}`\n'),
      app.write('src/plugins/b/index.ts', "import { describe } from '../a/helper'\nexport function activate() { return describe(4) }\n"),
    ])
    app.emit('change', 'src/plugins/a/helper.ts')
    app.emit('change', 'src/plugins/b/index.ts')
    await vi.waitFor(() => expect(app.updates()).toHaveLength(1))
    await app.drained()
    expect(app.updates().map((u) => [...u].sort())).toEqual([['/src/plugins/a/index.ts', '/src/plugins/b/index.ts']])
  })
})

describe('a plugin folder of two files deleted', () => {
  const folder = twoFilePlugin('hh0')
  const removed = '[hot-plugins] plugin removed: hh0 (src/plugins/hh0/index.ts), its state kept in case it comes back'

  /** Deletes both files, emits their events in `order` (a late one after the new registry went out), and waits for all of it. */
  async function deleteFolder(order: 'helper first' | 'entry first' | 'helper late') {
    const app = await listen({ ...folder, ...twoFilePlugin('other') })
    await app.remove('src/plugins/hh0/helper.ts')
    await app.remove('src/plugins/hh0/index.ts')
    if (order === 'helper first') app.emit('unlink', 'src/plugins/hh0/helper.ts')
    app.emit('unlink', 'src/plugins/hh0/index.ts')
    if (order === 'entry first') app.emit('unlink', 'src/plugins/hh0/helper.ts')
    await vi.waitFor(() => expect(app.updates()).toHaveLength(1))
    if (order === 'helper late') app.emit('unlink', 'src/plugins/hh0/helper.ts')
    await app.drained()
    return app
  }

  for (const order of ['helper first', 'entry first', 'helper late'] as const) {
    it(`is a removal, not an error (${order}): only the registry's update is sent, with one terminal line`, async () => {
      const app = await deleteFolder(order)
      expect(app.errors()).toEqual([])
      expect(app.updates()).toEqual([REGISTRY_UPDATE])
      expect(app.logs.filter((l) => l.includes('hmr update') || l.includes('page reload') || l.includes('plugin removed'))).toEqual([removed])
    })
  }

  it('and created again: the entry imports a fresh helper (the browser keeps every version it loaded)', async () => {
    const app = await deleteFolder('helper first')
    for (const [file, content] of Object.entries(twoFilePlugin('hh0', 'back'))) {
      await app.write(file, content)
      app.emit('add', file)
    }
    await vi.waitFor(() => expect(app.updates()).toHaveLength(2))
    await app.drained()
    const entry = app.server.environments.client.moduleGraph.getModuleById(path.join(app.root, 'src/plugins/hh0/index.ts'))!
    const helper = [...entry.importedModules][0]!
    expect(helper.lastHMRTimestamp).toBeGreaterThan(0)
    const response = await fetch(`${app.server.resolvedUrls!.local[0]}src/plugins/hh0/index.ts?t=${Date.now()}`)
    expect(await response.text()).toContain(`/src/plugins/hh0/helper.ts?t=${helper.lastHMRTimestamp}`)
    expect(app.errors()).toEqual([])
  })
})

describe('a plugin folder of two files renamed', () => {
  const helperOf = (app: Awaited<ReturnType<typeof listen>>, folder: string) => {
    const entry = app.server.environments.client.moduleGraph.getModuleById(path.join(app.root, `src/plugins/${folder}/index.ts`))!
    return [...entry.importedModules][0]!
  }

  it("with its meta.id kept, the old helper's late delete is part of the move: only the registry's update", async () => {
    const tally = (folder: string) => ({
      [`src/plugins/${folder}/index.ts`]: "import { describe } from './helper'\nexport const meta = { id: 'tally' }\nexport function activate() { return describe(1) }\n",
      [`src/plugins/${folder}/helper.ts`]: 'export const describe = (n: number) => `clicked ${n}`\n',
    })
    const app = await listen(tally('a'))
    await rename(path.join(app.root, 'src/plugins/a'), path.join(app.root, 'src/plugins/b'))
    app.emit('add', 'src/plugins/b/index.ts')
    app.emit('add', 'src/plugins/b/helper.ts')
    app.emit('unlink', 'src/plugins/a/index.ts')
    await vi.waitFor(() => expect(app.updates()).toHaveLength(1))
    // The page imports the moved entry, as the new registry tells it to.
    await app.get('/src/plugins/b/index.ts')
    app.emit('unlink', 'src/plugins/a/helper.ts')
    await app.drained()
    expect(app.updates()).toEqual([REGISTRY_UPDATE])
    expect(app.errors()).toEqual([])
  })

  it('and back before the watcher reported the helper gone (a change in place of a delete and a create): no page reload, a fresh helper', async () => {
    const app = await listen(twoFilePlugin('hh0'))
    const before = helperOf(app, 'hh0').lastHMRTimestamp
    await app.remove('src/plugins/hh0/helper.ts')
    await app.remove('src/plugins/hh0/index.ts')
    app.emit('unlink', 'src/plugins/hh0/index.ts')
    await vi.waitFor(() => expect(app.updates()).toHaveLength(1))
    for (const [file, content] of Object.entries(twoFilePlugin('hh0', 'back'))) await app.write(file, content)
    app.emit('add', 'src/plugins/hh0/index.ts')
    app.emit('change', 'src/plugins/hh0/helper.ts')
    await vi.waitFor(() => expect(app.updates()).toHaveLength(2))
    await app.drained()
    expect(app.errors()).toEqual([])
    expect(helperOf(app, 'hh0').lastHMRTimestamp).toBeGreaterThan(before)
  })
})

describe('a plugin folder of two files deleted and written back at once (a checkout)', () => {
  it('swaps the plugin in with its new files, as a save would: the set of plugins is the same', async () => {
    const app = await listen({ ...twoFilePlugin('hh0'), ...twoFilePlugin('other') })
    await app.remove('src/plugins/hh0/helper.ts')
    await app.remove('src/plugins/hh0/index.ts')
    for (const [file, content] of Object.entries(twoFilePlugin('hh0', 'checked out'))) await app.write(file, content)
    app.emit('unlink', 'src/plugins/hh0/index.ts')
    app.emit('unlink', 'src/plugins/hh0/helper.ts')
    app.emit('add', 'src/plugins/hh0/index.ts')
    app.emit('add', 'src/plugins/hh0/helper.ts')
    await vi.waitFor(() => expect(app.updates()).toEqual([['/src/plugins/hh0/index.ts']]))
    await app.drained()
    expect(app.errors()).toEqual([])
    const entry = await app.get(`/src/plugins/hh0/index.ts?t=${Date.now()}`)
    const helperUrl = /"(\/src\/plugins\/hh0\/helper\.ts\?t=\d+)"/.exec(entry)?.[1]
    expect(helperUrl).toBeDefined()
    expect(await app.get(helperUrl!)).toContain('checked out')
  })
})

describe('a helper saved as its folder is deleted', () => {
  it("is no dead end for Vite once the entry's delete unlinked it: no page reload, the plugin is removed", async () => {
    const app = await listen({ ...twoFilePlugin('hh0'), ...twoFilePlugin('other') })
    await app.write('src/plugins/hh0/helper.ts', twoFilePlugin('hh0', 'saved')['src/plugins/hh0/helper.ts']!)
    app.emit('change', 'src/plugins/hh0/helper.ts')
    // While that change is checked, the folder goes (a checkout): the entry's delete comes first.
    await app.remove('src/plugins/hh0/index.ts')
    app.emit('unlink', 'src/plugins/hh0/index.ts')
    await vi.waitFor(() => expect(app.updates().flat()).toContain(RESOLVED_VIRTUAL_REGISTRY_ID))
    await app.drained()
    expect(app.errors()).toEqual([])
  })
})

describe("a deleted plugin's helper created again", () => {
  it('for another plugin that failed to import it: that plugin swaps, and the helper is no dead end for Vite', async () => {
    const app = await listen({ ...twoFilePlugin('hh0'), 'src/plugins/q/index.ts': 'export function activate() {}\n' })
    await app.remove('src/plugins/hh0/helper.ts')
    await app.remove('src/plugins/hh0/index.ts')
    app.emit('unlink', 'src/plugins/hh0/index.ts')
    app.emit('unlink', 'src/plugins/hh0/helper.ts')
    await vi.waitFor(() => expect(app.updates()).toHaveLength(1))
    // q imports it while it is missing: refused (Vite remembers q as failing to resolve it).
    await app.write('src/plugins/q/index.ts', "import { describe } from '../hh0/helper'\nexport function activate() { return describe(1) }\n")
    app.emit('change', 'src/plugins/q/index.ts')
    await vi.waitFor(() => expect(app.errors().length).toBeGreaterThan(0))
    const refused = app.errors().length
    await app.write('src/plugins/hh0/helper.ts', twoFilePlugin('hh0')['src/plugins/hh0/helper.ts']!)
    app.emit('add', 'src/plugins/hh0/helper.ts')
    await vi.waitFor(() => expect(app.updates()).toHaveLength(2))
    await app.drained()
    expect(app.updates()[1]).toEqual(['/src/plugins/q/index.ts'])
    expect(app.errors()).toHaveLength(refused)
  })
})

describe('a helper deleted from under a plugin that stays', () => {
  it('is refused while the entry still imports it: the error names both files, the plugin keeps running', async () => {
    const app = await listen(twoFilePlugin('hh0'))
    await app.remove('src/plugins/hh0/helper.ts')
    app.emit('unlink', 'src/plugins/hh0/helper.ts')
    await app.drained()
    expect(app.updates()).toEqual([])
    const refused = app.sent.find((s) => s.event === HotEvents.error)?.data
    expect(refused).toMatchObject({ file: 'src/plugins/hh0/helper.ts', plugins: ['hh0'] })
    expect(refused?.message).toMatch(/^src\/plugins\/hh0\/helper\.ts was deleted: src\/plugins\/hh0\/index\.ts:\d+:\d+: .*\.\/helper/)
    expect(app.logs.find((l) => l.includes('was deleted'))).toMatch(
      /src\/plugins\/hh0\/helper\.ts was deleted, and src\/plugins\/hh0\/index\.ts:\d+:\d+ does not compile without it; hh0 keeps running the previous version/,
    )
  })
})
