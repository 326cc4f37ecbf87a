import { describe, expect, it } from 'vitest'
import { createHotRegistry } from '../../../src/sources/vite-hmr.js'
import { createPluginHost } from '../../../src/host/host.js'
import { createPersistence } from '../../../src/engine/state/persistence.js'
import { createMemoryStore, createResilientStore } from '../../../src/engine/state/stores.js'
import type { PersistedState, StateStore } from '../../../src/engine/state/state.js'
import type { PluginModule } from '../../../src/host/types.js'
import { entry, fakeHot, memoryLogger, recordEvents } from '../../helpers.js'

/** A counter plugin version whose count the test can read and set. */
function counter(version: { stateVersion?: number; migrate?: PluginModule['migrateState'] } = {}) {
  const plugin = {
    count: 0,
    restoredWith: undefined as unknown,
    module: undefined as unknown as PluginModule,
  }
  plugin.module = {
    meta: { version: '1.0.0', stateVersion: version.stateVersion },
    activate() {},
    getReloadState: () => ({ count: plugin.count }),
    setReloadState(state: { count: number }, info) {
      plugin.count = state.count
      plugin.restoredWith = info
    },
    ...(version.migrate ? { migrateState: version.migrate } : {}),
  }
  return plugin
}

/** Runs write-behind tasks only when the test says so. */
function manualScheduler() {
  const tasks: (() => void)[] = []
  return { schedule: (task: () => void) => void tasks.push(task), runAll: () => tasks.splice(0).forEach((t) => t()) }
}

async function page(store: StateStore, modules: Record<string, PluginModule>, restore: boolean) {
  const scheduler = manualScheduler()
  const persistence = createPersistence({ store, restore, prefetch: Object.keys(modules), schedule: scheduler.schedule, wallClock: () => 42 })
  const { logger, lines } = memoryLogger()
  const hot = fakeHot()
  const registry = createHotRegistry(
    Object.entries(modules).map(([id, module]) => entry(id, module)),
    hot.hot,
    { persistence, beforeToolingReload: () => lines.push({ level: 'info', message: 'marked' }) },
  )
  const host = createPluginHost({ logger })
  const events = recordEvents(host)
  await host.start(registry.entries)
  const next = (type: 'reload-completed' | 'warning') => new Promise<any>((resolve) => { const off = host.on(type, (e) => { off(); resolve(e) }) })
  return { host, registry, hot, persistence, scheduler, lines, events, next }
}

describe('persistence', () => {
  it('persists the handed-over state behind the swap, and restores it after a reload', async () => {
    const store = createMemoryStore()
    const v1 = counter()
    const first = await page(store, { counter: v1.module }, false)
    v1.count = 5

    const v2 = counter()
    const swapped = first.next('reload-completed')
    first.registry.accept('counter', v2.module)
    await swapped
    // The swap did not wait for the store: nothing is written until the write-behind task runs.
    expect(await store.load('counter')).toBeUndefined()
    first.scheduler.runAll()
    await first.persistence.flush()
    expect(await store.load('counter')).toEqual({ format: 1, state: { count: 5 }, stateVersion: undefined, pluginVersion: '1.0.0', savedAt: 42 })

    const reloaded = counter()
    const second = await page(store, { counter: reloaded.module }, true)
    expect(reloaded.count).toBe(5)
    expect(reloaded.restoredWith).toEqual({ reason: 'restore', fromVersion: '1.0.0', fromStateVersion: undefined })
    expect(second.events.map((e) => e.type)).toEqual(['state-restored', 'plugin-activated'])
  })

  it('reads every restored state in one call of the store, not one per plugin', async () => {
    const memory = createMemoryStore()
    const saved = (count: number): PersistedState => ({ format: 1, state: { count }, stateVersion: undefined, pluginVersion: '1.0.0', savedAt: 1 })
    await memory.saveMany([['a', saved(1)], ['b', saved(2)], ['c', saved(3)]])
    const calls: string[] = []
    const store: StateStore = {
      ...memory,
      load: (id) => (calls.push(`load ${id}`), memory.load(id)),
      loadMany: async (ids) => (calls.push(`loadMany ${ids.join(',')}`), Promise.all(ids.map((id) => memory.load(id)))),
    }
    const plugins = { a: counter(), b: counter(), c: counter() }
    await page(store, { a: plugins.a.module, b: plugins.b.module, c: plugins.c.module }, true)
    expect(calls).toEqual(['loadMany a,b,c'])
    expect([plugins.a.count, plugins.b.count, plugins.c.count]).toEqual([1, 2, 3])
  })

  it('does not restore when restoring is off (a reload the user made)', async () => {
    const store = createMemoryStore()
    await store.saveMany([['counter', { format: 1, state: { count: 9 }, stateVersion: undefined, pluginVersion: '1', savedAt: 1 }]])
    const fresh = counter()
    await page(store, { counter: fresh.module }, false)
    expect(fresh.count).toBe(0)
  })

  it('saves every running plugin before a reload the dev tools make, and only then lets Vite reload', async () => {
    const store = createMemoryStore()
    const a = counter()
    const b = counter()
    const app = await page(store, { a: a.module, b: b.module }, false)
    a.count = 1
    b.count = 2
    await app.hot.emitAsync('vite:beforeFullReload', {})
    expect(await store.load('a')).toMatchObject({ state: { count: 1 } })
    expect(await store.load('b')).toMatchObject({ state: { count: 2 } })
    expect(app.lines.map((l) => l.message)).toContain('marked')
  })

  it('lets Vite reload only once a store that takes its time has written the state', async () => {
    const memory = createMemoryStore()
    let finishWrite!: () => void
    const writing = new Promise<void>((resolve) => (finishWrite = resolve))
    const slow: StateStore = {
      ...memory,
      async saveMany(entries) {
        await writing
        await memory.saveMany(entries)
      },
    }
    const a = counter()
    const app = await page(slow, { a: a.module }, false)
    a.count = 7
    let reloadMayGo = false
    const beforeReload = app.hot.emitAsync('vite:beforeFullReload', {}).then(() => (reloadMayGo = true))
    // Every task and microtask that does not wait for the store has run by now.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(reloadMayGo, 'Vite may reload before the state is written').toBe(false)
    finishWrite()
    await beforeReload
    expect(await memory.load('a')).toMatchObject({ state: { count: 7 } })
  })

  it('migrates saved state of an older stateVersion at restore', async () => {
    const store = createMemoryStore()
    await store.saveMany([['counter', { format: 1, state: { count: 3 }, stateVersion: 1, pluginVersion: '1', savedAt: 1 }]])
    const v2 = counter({ stateVersion: 2, migrate: (state) => ({ count: (state as { count: number }).count * 10 }) })
    const app = await page(store, { counter: v2.module }, true)
    expect(v2.count).toBe(30)
    expect(app.events[0]).toMatchObject({ type: 'state-restored', payload: { migratedFrom: 1 } })
  })

  it('sets state aside, with a warning naming both versions, when it cannot be migrated', async () => {
    const store = createMemoryStore()
    const saved: PersistedState = { format: 1, state: { count: 3 }, stateVersion: 1, pluginVersion: '1', savedAt: 1 }
    await store.saveMany([['counter', saved]])
    const v2 = counter({ stateVersion: 2 })
    const app = await page(store, { counter: v2.module }, true)
    expect(v2.count).toBe(0)
    expect(app.lines.map((l) => l.message)).toContain(
      'plugin "counter" (src/plugins/counter/index.ts): its state has stateVersion 1 but the code expects 2 and exports no migrateState(); the old state was set aside and the plugin starts fresh',
    )
    await expect.poll(() => store.load('counter\u0000set-aside:1')).toEqual(saved)
  })

  it('migrates in memory on a hot swap that bumps stateVersion', async () => {
    const v1 = counter()
    const app = await page(createMemoryStore(), { counter: v1.module }, false)
    v1.count = 4
    const v2 = counter({ stateVersion: 1, migrate: (state, from) => ({ count: (state as { count: number }).count + 100 * (from + 1) }) })
    const swapped = app.next('reload-completed')
    app.registry.accept('counter', v2.module)
    await swapped
    expect(v2.count).toBe(104)
  })

  it('ignores and reports a corrupt record; the plugin starts fresh', async () => {
    const store = createMemoryStore()
    await store.saveMany([['counter', { nonsense: true } as never]])
    const fresh = counter()
    const app = await page(store, { counter: fresh.module }, true)
    expect(fresh.count).toBe(0)
    expect(app.lines.map((l) => l.message)).toContain(
      'plugin "counter" (src/plugins/counter/index.ts): its saved state is corrupt or of an unknown shape; it was ignored and the plugin starts fresh',
    )
  })

  it('hands uncloneable state over in memory but does not persist it, warning once with the path', async () => {
    const store = createMemoryStore()
    const handler = () => 'click'
    let received: unknown
    const module = (): PluginModule => ({
      activate() {},
      getReloadState: () => ({ handler }),
      setReloadState: (state) => void (received = state),
    })
    const app = await page(store, { p: module() }, false)
    for (let i = 0; i < 2; i++) {
      const swapped = app.next('reload-completed')
      app.registry.accept('p', module())
      await swapped
      app.scheduler.runAll()
      await app.persistence.flush()
    }
    expect((received as { handler: unknown }).handler).toBe(handler)
    expect(await store.load('p')).toBeUndefined()
    const warnings = app.lines.filter((l) => l.message.includes('its state is not persisted'))
    expect(warnings.map((l) => l.message)).toEqual([
      'plugin "p" (src/plugins/p/index.ts): its state is not persisted: state.handler (a function) cannot be stored faithfully in IndexedDB. It is still handed over in memory on hot swaps, but will not survive a page reload.',
    ])
  })

  it('gives the new version the last saved state when getReloadState throws', async () => {
    const store = createMemoryStore()
    const v1 = counter()
    const app = await page(store, { counter: v1.module }, false)
    v1.count = 7
    await app.registry.saveState()
    const broken: PluginModule = { ...counter().module, getReloadState: () => { throw new Error('bug') } }
    let swapped = app.next('reload-completed')
    app.registry.accept('counter', broken)
    await swapped
    const v3 = counter()
    swapped = app.next('reload-completed')
    app.registry.accept('counter', v3.module)
    expect(await swapped).toMatchObject({ stateKept: true })
    expect(v3.count).toBe(7)
    expect(app.lines.some((l) => l.message.includes('getReloadState() threw: bug; the new version gets the last saved state'))).toBe(true)
  })

  it('keeps the saved copy when setReloadState throws at restore', async () => {
    const store = createMemoryStore()
    const saved: PersistedState = { format: 1, state: { count: 3 }, stateVersion: undefined, pluginVersion: '1', savedAt: 1 }
    await store.saveMany([['counter', saved]])
    const app = await page(
      store,
      { counter: { activate() {}, setReloadState() { throw new Error('bad') } } },
      true,
    )
    expect(app.host.get('counter')?.status).toBe('idle')
    expect(await store.load('counter')).toEqual(saved)
    expect(app.lines.some((l) => l.message.includes('setReloadState() threw while restoring its saved state (bad)'))).toBe(true)
  })

  it('gives a plugin that failed at start its saved state when a good version activates it', async () => {
    const store = createMemoryStore()
    await store.saveMany([['counter', { format: 1, state: { count: 4 }, stateVersion: undefined, pluginVersion: '1', savedAt: 1 }]])
    const broken: PluginModule = {
      activate() {
        throw new Error('broken at start')
      },
    }
    const app = await page(store, { counter: broken }, true)
    expect(app.host.get('counter')?.status).toBe('failed')
    const fixed = counter()
    const activated = new Promise<void>((resolve) => app.host.on('plugin-activated', () => resolve()))
    app.registry.accept('counter', fixed.module)
    await activated
    expect(fixed.count).toBe(4)
  })

  it('clears state on demand', async () => {
    const store = createMemoryStore()
    const a = counter()
    const app = await page(store, { a: a.module, b: counter().module }, false)
    await app.registry.saveState()
    await app.host.clearState('a')
    expect(await store.load('a')).toBeUndefined()
    expect(await store.load('b')).toBeDefined()
    await app.host.clearState()
    expect(await store.load('b')).toBeUndefined()
  })
})

describe('createResilientStore', () => {
  it('falls back to memory with one warning when the durable store fails; nothing is lost', async () => {
    const { logger, lines } = memoryLogger()
    const failing: StateStore = {
      load: () => Promise.reject(new Error('blocked')),
      saveMany: () => Promise.reject(new DOMException('over quota', 'QuotaExceededError')),
      setAside: () => Promise.reject(new Error('blocked')),
      clear: () => Promise.reject(new Error('blocked')),
    }
    const store = createResilientStore(failing, logger)
    const record: PersistedState = { format: 1, state: 1, stateVersion: undefined, pluginVersion: undefined, savedAt: 1 }
    await store.saveMany([['a', record]])
    await store.saveMany([['b', record]])
    expect(await store.load('a')).toEqual(record)
    expect(lines.map((l) => l.message)).toEqual([
      'plugin state cannot be persisted in IndexedDB (over quota); it is kept in memory only, so it will not survive a page reload. Hot swaps are not affected.',
    ])
  })
})
