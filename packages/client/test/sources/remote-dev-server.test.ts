import { describe, expect, it, vi } from 'vitest'
import { HotEvents, type RemoteUpdate } from '../../src/protocol/index.js'
import type { PluginModule } from '../../src/host/types.js'
import { createPluginHost } from '../../src/host/host.js'
import { createHotRegistry, type RegistryEntryInit } from '../../src/sources/vite-hmr.js'
import { storeByPluginName } from '../../src/sources/remote-dev-server.js'
import { createMemoryStore } from '../../src/engine/state/stores.js'
import { entry, fakeHot, loggingPlugin, memoryLogger, recordEvents } from '../helpers.js'

const CHARTS_URL = 'http://localhost:5174/src/plugins/charts/index.ts'

/** A plugin of a remote dev server, as the host's registry lists it. */
function remoteEntry(id: string, module: PluginModule): RegistryEntryInit {
  return { id, file: `//localhost:5174/src/plugins/${id}/index.ts`, url: `http://localhost:5174/src/plugins/${id}/index.ts`, load: async () => module }
}

/** A host whose registry lists `inits`; remote modules are imported from `served` (URL → what it evaluates to). */
async function start(inits: RegistryEntryInit[]) {
  const hot = fakeHot()
  const served = new Map<string, () => PluginModule>()
  const imported: string[] = []
  const importRemote = async (url: string, query: string) => {
    imported.push(`${url}?${query}`)
    const module = served.get(url)
    if (!module) throw new TypeError(`Failed to fetch dynamically imported module: ${url}?${query}`)
    return module()
  }
  // As in the page: one importer for the remotes' new versions and for importing one again.
  const registry = createHotRegistry(inits, hot.hot, { recovery: { importModule: importRemote, retry: { attempts: 0, initialDelayMs: 1, maxDelayMs: 1, factor: 1, jitter: 0 } } })
  const { logger, lines } = memoryLogger()
  const host = createPluginHost({ context: { api: 1 }, logger })
  const events = recordEvents(host)
  await host.start(registry.entries)
  const next = (type: 'reload-completed' | 'reload-failed', id: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const off = host.on(type, (e) => {
        if (e.id !== id) return
        off()
        resolve(e as unknown as Record<string, unknown>)
      })
    })
  const relay = (update: RemoteUpdate) => hot.emit(HotEvents.remoteUpdate, update)
  return { hot, host, served, imported, events, lines, next, relay }
}

const update = (batch: number, timestamp: number, ids = ['charts']): RemoteUpdate => ({
  announcement: { files: ['//localhost:5174/src/plugins/charts/index.ts'], plugins: ids, timestamp, batch },
  modules: ids.map((id) => ({ id, url: `http://localhost:5174/src/plugins/${id}/index.ts`, timestamp })),
})

describe('plugins from a remote dev server', () => {
  it('a relayed batch imports the new version from the remote and swaps it, state kept', async () => {
    const log: string[] = []
    const app = await start([remoteEntry('charts', loggingPlugin(log, 'v1'))])
    app.served.set(CHARTS_URL, () => loggingPlugin(log, 'v2'))
    log.length = 0
    const done = app.next('reload-completed', 'charts')
    app.relay(update(-1, 100))
    expect(await done).toMatchObject({ id: 'charts', stateKept: true, file: '//localhost:5174/src/plugins/charts/index.ts' })
    expect(app.imported).toEqual([`${CHARTS_URL}?t=100`])
    expect(log).toEqual(['v1.getReloadState', 'v1.teardown', 'v2.activate({"api":1})', 'v2.setReloadState({"from":"v1"})'])
    // The outcome goes back to the host's dev server, for its terminal.
    await vi.waitFor(() =>
      expect(app.hot.sent.filter((s) => s.event === HotEvents.result)).toMatchObject([{ data: { batch: -1, plugins: [{ id: 'charts', outcome: 'swapped' }] } }]),
    )
  })

  it('a new version that throws on evaluation keeps the old one running, and the next one applies', async () => {
    const log: string[] = []
    const app = await start([remoteEntry('charts', loggingPlugin(log, 'v1'))])
    app.served.set(CHARTS_URL, () => {
      throw new Error('broken on evaluation')
    })
    const failed = app.next('reload-failed', 'charts')
    app.relay(update(-1, 100))
    expect(await failed).toMatchObject({ outcome: 'kept-old' })
    expect(String((await failed).error)).toContain('broken on evaluation')
    app.served.set(CHARTS_URL, () => loggingPlugin(log, 'v3'))
    const done = app.next('reload-completed', 'charts')
    app.relay(update(-2, 200))
    expect(await done).toMatchObject({ stateKept: true })
    expect(log.at(-1)).toBe('v3.setReloadState({"from":"v1"})')
  })

  it('dependencies cross sources: the host plugin that depends on a remote one restarts with it', async () => {
    const log: string[] = []
    const legend: PluginModule = { meta: { dependsOn: ['charts'] }, activate: () => void log.push('legend.activate') }
    const app = await start([entry('legend', legend), remoteEntry('charts', loggingPlugin(log, 'v1'))])
    app.served.set(CHARTS_URL, () => loggingPlugin(log, 'v2'))
    log.length = 0
    const done = app.next('reload-completed', 'legend')
    app.relay(update(-1, 100))
    expect(await done).toMatchObject({ id: 'legend', via: 'charts' })
    expect(log).toContain('legend.activate')
  })

  it('a batch of two remote plugins applies all or nothing: one throwing in activate rolls both back', async () => {
    const log: string[] = []
    const app = await start([remoteEntry('charts', loggingPlugin(log, 'charts-v1')), remoteEntry('gauge', loggingPlugin(log, 'gauge-v1'))])
    app.served.set(CHARTS_URL, () => loggingPlugin(log, 'charts-v2'))
    app.served.set('http://localhost:5174/src/plugins/gauge/index.ts', () => ({
      activate() {
        throw new Error('gauge broke')
      },
    }))
    const failed = app.next('reload-failed', 'gauge')
    app.relay(update(-1, 100, ['charts', 'gauge']))
    expect(await failed).toMatchObject({ outcome: 'rolled-back' })
    expect(app.events.find((e) => e.type === 'rolled-back' && e.payload.id === 'charts')?.payload).toMatchObject({ because: 'gauge', batch: -1 })
    expect(app.events.filter((e) => e.type === 'reload-completed')).toEqual([])
    // Both run their first version again.
    expect(log.filter((l) => l.endsWith('.activate({"api":1})')).slice(-2).sort()).toEqual(['charts-v1.activate({"api":1})', 'gauge-v1.activate({"api":1})'])
  })

  it('a storm is announced without an import: the final version comes with the next batch', async () => {
    const log: string[] = []
    const app = await start([remoteEntry('charts', loggingPlugin(log, 'v1'))])
    app.relay({ announcement: { files: ['//localhost:5174/src/plugins/charts/index.ts'], plugins: ['charts'], timestamp: 100, storm: true }, modules: [] })
    expect(app.imported).toEqual([])
    app.served.set(CHARTS_URL, () => loggingPlugin(log, 'v2'))
    const done = app.next('reload-completed', 'charts')
    app.relay(update(-1, 150))
    expect(await done).toMatchObject({ id: 'charts' })
  })
})

describe('the state of a remote’s plugin', () => {
  it('is stored under its name with the remote, apart from a host plugin of the same id; a removed one keeps its name', async () => {
    const memory = createMemoryStore()
    let entries = [
      { id: 'charts', file: '//localhost:5174/src/plugins/charts/index.ts' },
      { id: 'counter', file: 'src/plugins/counter/index.ts' },
    ]
    const store = storeByPluginName(memory, () => entries)
    const record = (state: unknown) => ({ format: 1 as const, state, stateVersion: undefined, pluginVersion: undefined, savedAt: 1 })
    await store.saveMany([
      ['charts', record('remote')],
      ['counter', record('host')],
    ])
    expect(await memory.load('charts@localhost:5174')).toEqual(record('remote'))
    expect(await memory.load('charts')).toBeUndefined()
    expect(await memory.load('counter')).toEqual(record('host'))
    entries = entries.filter((e) => e.id !== 'charts')
    expect(await store.load('charts')).toEqual(record('remote'))
    await store.clear('charts')
    expect(await memory.load('charts@localhost:5174')).toBeUndefined()
  })
})
