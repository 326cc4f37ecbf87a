import { describe, expect, it } from 'vitest'
import { createHotRegistry } from '../../src/sources/vite-hmr.js'
import { createPluginHost } from '../../src/host/host.js'
import { createPersistence } from '../../src/engine/state/persistence.js'
import { createMemoryStore } from '../../src/engine/state/stores.js'
import type { PersistedState, StateStore } from '../../src/engine/state/state.js'
import type { PluginModule, ReloadInfo } from '../../src/host/types.js'
import { entry, fakeHot, memoryLogger } from '../helpers.js'

/**
 * A counter version. `breaks` lists the reasons for which its setReloadState throws (the broken
 * file on disk after a fallback reload throws on `restore`); `activations` says which of its
 * activations throw (1 = the first).
 */
function counter(tag: string, options: { breaks?: ReloadInfo['reason'][]; failingActivations?: number[]; dependsOn?: string[] } = {}) {
  const plugin = { count: 0, activations: 0, module: undefined as unknown as PluginModule }
  plugin.module = {
    meta: { version: tag, ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}) },
    activate() {
      plugin.activations++
      if (options.failingActivations?.includes(plugin.activations)) throw new Error(`${tag} cannot start`)
    },
    getReloadState: () => ({ count: plugin.count }),
    setReloadState(state: { count: number }, info: ReloadInfo) {
      if (options.breaks?.includes(info.reason)) throw new Error(`${tag} refuses state`)
      plugin.count = state.count
    },
  }
  return plugin
}

const saved = (count: number): PersistedState => ({ format: 1, state: { count }, stateVersion: undefined, pluginVersion: 'v0', savedAt: 1 })

/** A page loaded by a reload the dev tools made: state is restored from `store`. */
async function reloadedPage(store: StateStore, modules: Record<string, PluginModule>) {
  const persistence = createPersistence({ store, restore: true, schedule: (task) => task(), wallClock: () => 42 })
  const { logger, lines } = memoryLogger()
  const hot = fakeHot()
  const registry = createHotRegistry(
    Object.entries(modules).map(([id, module]) => entry(id, module)),
    hot.hot,
    { persistence },
  )
  const host = createPluginHost({ logger })
  await host.start(registry.entries)
  /** Hands `module` to the registry as the new version of `id`; resolves once the swap settled. */
  const save = async (id: string, module: PluginModule) => {
    const settled = new Promise<void>((resolve) => {
      const offs = [
        host.on('reload-completed', (e) => e.id === id && done()),
        host.on('reload-failed', (e) => e.id === id && done()),
        host.on('plugin-activated', (e) => e.id === id && done()),
      ]
      const done = () => {
        offs.forEach((off) => off())
        resolve()
      }
    })
    registry.accept(id, module)
    await settled
    await persistence.flush()
  }
  const stored = async (id: string) => ((await store.load(id)) as PersistedState | undefined)?.state
  return { host, registry, persistence, lines, save, stored }
}

describe('state a plugin owes (it runs without the state it should have)', () => {
  it('a restore refused by setReloadState: the saved copy survives snapshots and goes to the next version', async () => {
    const store = createMemoryStore()
    await store.saveMany([['counter', saved(5)]])
    const broken = counter('broken', { breaks: ['restore'] })
    const app = await reloadedPage(store, { counter: broken.module })
    expect(broken.count).toBe(0)
    expect(app.lines.some((l) => l.message.includes('it runs without that state, and the saved copy is kept for its next version'))).toBe(true)

    // A reload the dev tools make saves every plugin: not the empty state it runs with.
    await app.registry.saveState()
    expect(await app.stored('counter')).toEqual({ count: 5 })

    const fixed = counter('fixed')
    await app.save('counter', fixed.module)
    expect(fixed.count).toBe(5)
    expect(await app.stored('counter')).toEqual({ count: 5 })
    // Taken: from now on the plugin's own state counts.
    fixed.count = 6
    await app.registry.saveState()
    expect(await app.stored('counter')).toEqual({ count: 6 })
  })

  it('stays owed across a failed swap, and the version rolled back to keeps running', async () => {
    const store = createMemoryStore()
    await store.saveMany([['counter', saved(5)]])
    // The running version refuses every state (even its own, on the rollback).
    const broken = counter('broken', { breaks: ['restore', 'rollback', 'hot-swap'] })
    const app = await reloadedPage(store, { counter: broken.module })

    const throwing = counter('throwing', { failingActivations: [1] })
    await app.save('counter', throwing.module)
    expect(app.host.get('counter')?.status).toBe('rolled-back')
    expect(broken.activations).toBe(2)

    // A version whose setReloadState throws on the owed state: rolled back, still owed.
    await app.save('counter', counter('refusing', { breaks: ['hot-swap'] }).module)
    expect(app.host.get('counter')?.status).toBe('rolled-back')
    await app.registry.saveState()
    expect(await app.stored('counter')).toEqual({ count: 5 })

    const fixed = counter('fixed')
    await app.save('counter', fixed.module)
    expect(fixed.count).toBe(5)
    expect(app.host.get('counter')?.status).toBe('idle')
  })

  it('a plugin that failed at start, then whose first good-looking version refuses the state, owes it to the next', async () => {
    const store = createMemoryStore()
    await store.saveMany([['counter', saved(4)]])
    const app = await reloadedPage(store, { counter: counter('broken', { failingActivations: [1] }).module })
    expect(app.host.get('counter')?.status).toBe('failed')

    const refusing = counter('refusing', { breaks: ['restore'] })
    await app.save('counter', refusing.module)
    expect(refusing.count).toBe(0)
    await app.registry.saveState()
    expect(await app.stored('counter')).toEqual({ count: 4 })

    const fixed = counter('fixed')
    await app.save('counter', fixed.module)
    expect(fixed.count).toBe(4)
  })

  it('a dependent restarted for its dependency keeps its own state and still owes the saved one', async () => {
    const store = createMemoryStore()
    await store.saveMany([['notes', saved(7)]])
    const notes = counter('notes', { breaks: ['restore'], dependsOn: ['theme'] })
    const app = await reloadedPage(store, { theme: counter('theme').module, notes: notes.module })
    notes.count = 1

    await app.save('theme', counter('theme 2').module)
    expect(app.host.get('notes')?.reloadCount).toBe(1)
    expect(notes.count).toBe(1)
    expect(await app.stored('notes')).toEqual({ count: 7 })

    const fixed = counter('notes fixed', { dependsOn: ['theme'] })
    await app.save('notes', fixed.module)
    expect(fixed.count).toBe(7)
  })

  it('when the previous version cannot come back after a failed swap, its state is owed to the next version', async () => {
    const store = createMemoryStore()
    // Its second activation (the rollback) throws.
    const v1 = counter('v1', { failingActivations: [2] })
    const app = await reloadedPage(store, { counter: v1.module })
    v1.count = 3

    await app.save('counter', counter('throwing', { failingActivations: [1] }).module)
    expect(app.host.get('counter')?.status).toBe('failed')
    await app.registry.saveState()
    expect(await app.stored('counter')).toEqual({ count: 3 })

    const fixed = counter('fixed')
    await app.save('counter', fixed.module)
    expect(fixed.count).toBe(3)
    expect(app.host.get('counter')?.status).toBe('idle')
  })

  it('a deleted plugin that owed state takes that state with it', async () => {
    const store = createMemoryStore()
    await store.saveMany([['counter', saved(9)]])
    const app = await reloadedPage(store, { counter: counter('broken', { breaks: ['restore'] }).module })
    app.registry.replaceEntries([])
    await expect.poll(() => app.host.get('counter')).toBeUndefined()
    const back = counter('back')
    app.registry.replaceEntries([entry('counter', back.module)])
    await expect.poll(() => back.count).toBe(9)
  })
})
