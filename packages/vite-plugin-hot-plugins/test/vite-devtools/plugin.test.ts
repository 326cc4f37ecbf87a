import type { DevToolsPluginOptions } from '@vitejs/devtools-kit'
import { HotEvents, RESOLVED_VIRTUAL_REGISTRY_ID, type BatchResult, type DockHistoryEntry } from '@hot-plugins/client/protocol'
import { createServer, type Connect, type ViteDevServer } from 'vite'
import { describe, expect, it } from 'vitest'
import type { HotPluginsContext } from '../../src/context.js'
import { viteDevtoolsPlugin, type PluginWithDevtools, type ViteDevtoolsContext } from '../../src/vite-devtools/plugin.js'
import hotPlugins from '../../src/index.js'
import { fakeChannel, pluginStatus } from '../control/fixtures.js'
import { cleanupAfterEach } from '../fixtures.js'

const teardown = cleanupAfterEach()

/** Vite DevTools' setup context, recording what the plugin registers. */
function fakeDevtools() {
  const docks: unknown[] = []
  const commands = new Map<string, { title: string; handler(): void }>()
  const messages: { id: string; message: string; description?: string; level: string; filePosition?: { file: string } }[] = []
  const ctx: ViteDevtoolsContext = {
    docks: { register: (entry) => docks.push(entry) },
    commands: { register: (command) => commands.set(command.id, command) },
    messages: { add: async (entry) => messages.push(entry) },
  }
  return { ctx, docks, commands, messages }
}

/** The plugin attached to a fake server: its hot channel, its middleware. */
function attach() {
  const context = { root: '/app', base: '/', viteDevtools: false, plugins: async () => [{ id: 'counter' }] } as unknown as HotPluginsContext
  const plugin = viteDevtoolsPlugin(context)
  const { channel, connect, emit } = fakeChannel()
  let middleware: Connect.NextHandleFunction | undefined
  const server = { environments: { client: { hot: channel } }, middlewares: { use: (m: Connect.NextHandleFunction) => (middleware = m) }, config: { base: '/' } }
  ;(plugin.configureServer as (s: unknown) => void)(server)
  const get = (url: string) =>
    new Promise<{ type: string; body: string } | 'next'>((resolve) => {
      const headers: Record<string, string> = {}
      const res = { setHeader: (k: string, v: string) => (headers[k] = v), end: (body: string) => resolve({ type: headers['content-type']!, body }) }
      middleware!({ method: 'GET', url } as never, res as never, () => resolve('next'))
    })
  /** Sends a batch's result as a tab does. */
  const sendResult = (result: BatchResult) => emit(HotEvents.result, result, {} as never)
  return { context, plugin, connect, get, sendResult }
}

describe('Vite DevTools', () => {
  it('setup registers the dock (an iframe of the dev server\'s page), a reload command per plugin, and moves the badge aside', async () => {
    const { context, plugin } = attach()
    const devtools = fakeDevtools()
    await plugin.devtools.setup(devtools.ctx)
    expect(devtools.docks).toEqual([expect.objectContaining({ id: 'hot-plugins', type: 'iframe', url: '/__hot-plugins/devtools/', title: 'Hot plugins' })])
    expect([...devtools.commands.keys()]).toEqual(['hot-plugins:reload:counter'])
    expect(devtools.commands.get('hot-plugins:reload:counter')?.title).toBe('Reload plugin counter')
    expect(context.viteDevtools).toBe(true)
  })

  it("a reload command reloads the plugin in the tabs that run it; a plugin a tab reports later gets one; with no tab it says so", async () => {
    const { plugin, connect } = attach()
    const devtools = fakeDevtools()
    await plugin.devtools.setup(devtools.ctx)
    const tab = connect('tab-1')
    tab.report([pluginStatus('counter'), pluginStatus('notes')])
    expect([...devtools.commands.keys()]).toEqual(['hot-plugins:reload:counter', 'hot-plugins:reload:notes'])
    devtools.commands.get('hot-plugins:reload:notes')!.handler()
    expect(tab.received).toEqual([{ action: 'reload', id: 'notes' }])
    tab.disconnect()
    devtools.commands.get('hot-plugins:reload:counter')!.handler()
    expect(devtools.messages.map((m) => [m.level, m.message])).toEqual([['warn', '[hot-plugins] no connected tab runs plugin "counter": nothing to reload']])
  })
})

describe('the dock page and its history', () => {
  it('a failed reload becomes an error message naming plugin, file and cause; every batch goes into the history, newest first', async () => {
    const { plugin, get, sendResult: emit } = attach()
    const devtools = fakeDevtools()
    await plugin.devtools.setup(devtools.ctx)
    emit({ batch: 1, durationMs: 9, plugins: [{ id: 'counter', file: 'src/plugins/counter/index.ts', outcome: 'swapped', durationMs: 9, stateKept: true }] })
    emit({ batch: 2, durationMs: 4, plugins: [{ id: 'counter', file: 'src/plugins/counter/index.ts', outcome: 'rolled-back', durationMs: 4, stateKept: true, error: 'boom in activate' }] })
    expect(devtools.messages).toEqual([
      expect.objectContaining({ level: 'error', message: 'plugin "counter" failed to reload (rolled back)', description: 'boom in activate', filePosition: { file: '/app/src/plugins/counter/index.ts' } }),
    ])
    const history = await get('/__hot-plugins/devtools/history')
    expect(history).not.toBe('next')
    const entries = JSON.parse((history as { body: string }).body) as DockHistoryEntry[]
    expect(entries.map((e) => [e.batch, e.plugins[0]?.outcome])).toEqual([[2, 'rolled-back'], [1, 'swapped']])
    expect(entries.every((e) => typeof e.at === 'number')).toBe(true)
    const page = await get('/__hot-plugins/devtools/')
    expect(page).toEqual({ type: 'text/html; charset=utf-8', body: expect.stringContaining('"status":"/__hot-plugins/status"') })
    expect(await get('/__hot-plugins/status')).toBe('next')
  })
})

describe('failed reloads as messages', () => {
  it('say a plugin that never started is not running (it kept no old version), and one that runs kept its old version', async () => {
    const { plugin, sendResult: emit } = attach()
    const devtools = fakeDevtools()
    await plugin.devtools.setup(devtools.ctx)
    emit({ batch: 3, durationMs: 2, plugins: [{ id: 'notes', file: 'src/plugins/notes/index.ts', outcome: 'kept-old', running: false, durationMs: 2, stateKept: false, error: 'boom at start' }] })
    emit({ batch: 4, durationMs: 2, plugins: [{ id: 'counter', file: 'src/plugins/counter/index.ts', outcome: 'kept-old', running: true, durationMs: 2, stateKept: false, error: 'no activate' }] })
    expect(devtools.messages.map((m) => m.message)).toEqual([
      'plugin "notes" failed to reload (it is not running: no version of it started)',
      'plugin "counter" failed to reload (the old version keeps running)',
    ])
  })
})

describe('the badge', () => {
  async function registryCode(setup: boolean, overlay?: { badge: boolean | 'auto' }): Promise<string> {
    const made = await teardown.tree({ 'src/plugins/counter/index.ts': 'export function activate() {}' })
    const plugins = hotPlugins({ plugins: 'src/plugins/*/index.ts', ...(overlay ? { overlay } : {}) })
    const server: ViteDevServer = teardown.server(
      await createServer({ root: made.root, configFile: false, logLevel: 'silent', plugins, server: { middlewareMode: true, ws: false, watch: null }, optimizeDeps: { noDiscovery: true } }),
    )
    const devtools = plugins.find((p) => p.name === 'hot-plugins:vite-devtools') as PluginWithDevtools
    if (setup) await devtools.devtools.setup(fakeDevtools().ctx)
    // The generated module as the registry plugin loads it (no import analysis: no client installed here).
    const loaded = await server.environments.client.pluginContainer.load(RESOLVED_VIRTUAL_REGISTRY_ID)
    return typeof loaded === 'string' ? loaded : loaded!.code
  }

  it("steps aside when the app runs Vite DevTools ('auto'), shows otherwise; true and false are kept", async () => {
    expect(await registryCode(false)).toContain('"badge":true')
    expect(await registryCode(true)).toContain('"badge":false')
    expect(await registryCode(true, { badge: true })).toContain('"badge":true')
    expect(await registryCode(false, { badge: false })).toContain('"badge":false')
  })
})

describe('the types of @vitejs/devtools-kit', () => {
  it('accept the plugin: its setup takes the context Vite DevTools passes', () => {
    const plugin = attach().plugin
    // Fails to compile if the kit's context lacks something the plugin uses, or types it otherwise.
    const options: DevToolsPluginOptions = plugin.devtools
    expect(typeof options.setup).toBe('function')
  })
})
