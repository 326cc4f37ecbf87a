import { describe, expect, it } from 'vitest'
import { createHotRegistry } from '../../src/sources/vite-hmr.js'
import { createReloadHistory, recordHostEvents } from '../../src/devtools/history.js'
import { createPluginHost } from '../../src/host/host.js'
import type { LastGoodLoader } from '../../src/host/last-good.js'
import { createPersistence } from '../../src/engine/state/persistence.js'
import { createMemoryStore } from '../../src/engine/state/stores.js'
import type { PluginModule, ReloadInfo } from '../../src/host/types.js'
import { entry, fakeHot, memoryLogger, recordEvents } from '../helpers.js'

/** A counter version; `fails` makes its activate, or its setReloadState at restore, throw. */
function counter(tag: string, fails?: 'activate' | 'restore') {
  const plugin = { count: 0, running: false, module: undefined as unknown as PluginModule }
  plugin.module = {
    meta: { version: tag },
    activate() {
      if (fails === 'activate') throw new Error(`${tag} broken`)
      plugin.running = true
      return () => void (plugin.running = false)
    },
    getReloadState: () => ({ count: plugin.count }),
    setReloadState(state: { count: number }, info: ReloadInfo) {
      if (fails === 'restore' && info.reason === 'restore') throw new Error(`${tag} refuses`)
      plugin.count = state.count
    },
  }
  return plugin
}

const SINCE = new Date(2026, 0, 1, 10, 42, 7).getTime()

/** A page the dev tools reloaded: state restored, and (with `lastGood`) last good versions at hand. */
async function reloaded(current: () => Promise<PluginModule>, lastGood?: LastGoodLoader) {
  const store = createMemoryStore()
  await store.saveMany([['counter', { format: 1, state: { count: 5 }, stateVersion: undefined, pluginVersion: 'v1', savedAt: 1 }]])
  const persistence = createPersistence({ store, restore: true, schedule: (task) => task() })
  const { logger, lines } = memoryLogger()
  const hot = fakeHot()
  const registry = createHotRegistry([entry('counter', current)], hot.hot, { persistence, ...(lastGood ? { lastGood } : {}) })
  const host = createPluginHost({ logger })
  const events = recordEvents(host)
  await host.start(registry.entries)
  return { host, registry, lines, events, store }
}

const keptVersion = (plugin: ReturnType<typeof counter>): LastGoodLoader => async (id) => (id === 'counter' ? { module: plugin.module, at: SINCE } : undefined)

describe('after a reload the dev tools made, a plugin whose file fails at start runs its last good version', () => {
  for (const [what, current] of [
    ['its activate throws', async () => counter('disk', 'activate').module],
    ['its module does not load', async () => Promise.reject(new SyntaxError('Unexpected token'))],
  ] as const) {
    it(`${what}: the last good version runs with the saved state, marked and announced`, async () => {
      const good = counter('good')
      const app = await reloaded(current, keptVersion(good))
      expect(good.running).toBe(true)
      expect(good.count).toBe(5)
      const info = app.host.get('counter')!
      expect(info.status).toBe('idle')
      expect(info.lastGood).toEqual({ since: SINCE, error: expect.stringMatching(what.includes('activate') ? /^activate\(\) threw: disk broken$/ : /^its module failed to load: Unexpected token$/) })
      expect(app.events.map((e) => e.type)).toEqual(['state-restored', 'plugin-activated', 'last-good-started'])
      expect(app.lines.some((l) => l.level === 'warn' && l.message.includes(`plugin "counter" (src/plugins/counter/index.ts): counter runs its last good version from 10:42:07; the file on disk fails: ${info.lastGood!.error}. The next good save replaces it.`))).toBe(true)
    })
  }

  it('its setReloadState refuses the saved state: the version on disk stops, the last good one runs with that state', async () => {
    const disk = counter('disk', 'restore')
    const good = counter('good')
    const app = await reloaded(async () => disk.module, keptVersion(good))
    expect(disk.running).toBe(false)
    expect(good.count).toBe(5)
    expect(app.host.get('counter')?.lastGood?.error).toBe('setReloadState() threw: disk refuses')
    // It has its state: what it does now is what is saved.
    good.count = 6
    await app.registry.saveState()
    expect(await app.store.load('counter')).toMatchObject({ state: { count: 6 } })
  })

  it('the next good save swaps the real file in with the state, and the mark goes', async () => {
    const good = counter('good')
    const app = await reloaded(async () => counter('disk', 'activate').module, keptVersion(good))
    good.count = 8
    const fixed = counter('fixed')
    const swapped = new Promise<void>((resolve) => app.host.on('reload-completed', () => resolve()))
    app.registry.accept('counter', fixed.module)
    await swapped
    expect(fixed.count).toBe(8)
    expect(good.running).toBe(false)
    expect(app.host.get('counter')?.lastGood).toBeUndefined()
  })

  it('a broken save meanwhile rolls back to the last good version, still marked', async () => {
    const good = counter('good')
    const app = await reloaded(async () => counter('disk', 'activate').module, keptVersion(good))
    const failed = new Promise<void>((resolve) => app.host.on('reload-failed', () => resolve()))
    app.registry.accept('counter', counter('again', 'activate').module)
    await failed
    expect(good.running).toBe(true)
    expect(app.host.get('counter')?.lastGood?.since).toBe(SINCE)
  })

  it('is in the reload history', async () => {
    const storage = new Map<string, string>()
    const history = createReloadHistory({
      storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
      key: 'h',
      now: () => SINCE,
    })
    const good = counter('good')
    const store = createMemoryStore()
    const registry = createHotRegistry([entry('counter', async () => counter('disk', 'activate').module)], fakeHot().hot, {
      persistence: createPersistence({ store, restore: true }),
      lastGood: keptVersion(good),
      onAttach: (core) => void recordHostEvents(core.events, history, () => 0),
    })
    await createPluginHost({ logger: memoryLogger().logger }).start(registry.entries)
    expect(history.entries()[0]).toMatchObject({
      plugin: 'counter',
      outcome: 'last-good',
      reason: 'counter runs its last good version from 10:42:07; the file on disk fails: activate() threw: disk broken',
    })
  })

  it('without a last good version (or on a page not reloaded by the dev tools), the plugin fails as before', async () => {
    for (const lastGood of [undefined, (async () => undefined) as LastGoodLoader, (async () => Promise.reject(new Error('server gone'))) as LastGoodLoader]) {
      const app = await reloaded(async () => counter('disk', 'activate').module, lastGood)
      expect(app.host.get('counter')).toMatchObject({ status: 'failed', error: { message: 'plugin "counter" (src/plugins/counter/index.ts): activate() threw: disk broken' } })
      expect(app.host.get('counter')?.lastGood).toBeUndefined()
    }
  })

  it("clears Vite's error overlay at the next update when a plugin module failed to load at start (else Vite reloads the page)", async () => {
    for (const lastGood of [keptVersion(counter('good')), undefined]) {
      let cleared = 0
      const hot = fakeHot()
      const registry = createHotRegistry([entry('counter', async () => Promise.reject(new SyntaxError('Unexpected token')))], hot.hot, {
        clearCompileErrorOverlay: () => void cleared++,
        ...(lastGood ? { lastGood } : {}),
      })
      await createPluginHost({ logger: memoryLogger().logger }).start(registry.entries)
      hot.emit('vite:beforeUpdate', { updates: [] })
      expect(cleared).toBe(1)
      hot.emit('vite:beforeUpdate', { updates: [] })
      expect(cleared).toBe(1)
    }
  })

  it("clears Vite's error overlay before an update of plugins only, even before they started (else Vite reloads the page)", async () => {
    let cleared = 0
    const hot = fakeHot()
    createHotRegistry([entry('counter', counter('v1').module)], hot.hot, { clearCompileErrorOverlay: () => void cleared++ })
    hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: '/src/host/main.ts', timestamp: 1 }] })
    expect(cleared).toBe(0)
    hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: '/src/plugins/counter/index.ts', timestamp: 2 }] })
    expect(cleared).toBe(1)
  })

  it('when the last good version fails to start too, the plugin is failed and its saved state kept', async () => {
    const app = await reloaded(async () => counter('disk', 'activate').module, keptVersion(counter('old', 'activate')))
    expect(app.host.get('counter')?.status).toBe('failed')
    expect(app.lines.some((l) => l.message.includes('its last good version failed to start too; the file on disk fails: activate() threw: disk broken'))).toBe(true)
    await app.registry.saveState()
    expect(await app.store.load('counter')).toMatchObject({ state: { count: 5 } })
  })
})
