import { describe, expect, it, vi } from 'vitest'
import { applyEntryChanges, swappedIn } from '../../src/engine/entry-changes.js'
import type { EntryDeclaration } from '../../src/engine/update-source.js'
import type { PluginEntry } from '../../src/host/types.js'
import { entry, loggingPlugin } from '../helpers.js'
import { attachedHost } from './attached-host.js'

const declared = (...inits: EntryDeclaration[]) => new Map(inits.map((init) => [init.id, init]))
const asEntry = (init: EntryDeclaration): PluginEntry => ({ id: init.id, file: init.file, load: init.load })

describe('applyEntryChanges', () => {
  it('removes deleted plugins and adds created ones in every host, then tells the source once', async () => {
    const log: string[] = []
    const one = await attachedHost({ a: loggingPlugin(log, 'a') })
    const two = await attachedHost({ a: loggingPlugin(log, 'a') })
    const reloaded: string[] = []
    let applied = 0
    const b = entry('b', loggingPlugin(log, 'b'))
    applyEntryChanges(
      { hosts: [one.core, two.core], added: asEntry, reloadNow: (id) => void reloaded.push(id), entriesApplied: () => void applied++ },
      declared(entry('a', loggingPlugin(log, 'a'))),
      [b],
    )
    expect(applied).toBe(0)
    await vi.waitFor(() => expect(applied).toBe(1))
    expect(one.host.plugins().map((p) => p.id)).toEqual(['b'])
    expect(two.host.plugins().map((p) => p.id)).toEqual(['b'])
    expect(log.filter((l) => l === 'a.teardown')).toHaveLength(2)
    expect(reloaded).toEqual([])
  })

  it('a moved entry is relocated and reloaded from its new file; the source hears once its new version runs', async () => {
    const app = await attachedHost({ a: loggingPlugin([], 'a') })
    const reloaded: string[] = []
    let applied = 0
    const moved = { ...entry('a', { activate() {} }), file: 'src/plugins/b/index.ts', url: '/src/plugins/b/index.ts' }
    applyEntryChanges(
      { hosts: [app.core], added: asEntry, reloadNow: (id) => void reloaded.push(id), entriesApplied: () => void applied++ },
      declared(entry('a', { activate() {} })),
      [moved],
    )
    expect(reloaded).toEqual(['a'])
    expect(app.host.get('a')?.file).toBe('src/plugins/b/index.ts')
    await Promise.resolve()
    expect(applied).toBe(0)
    app.core.events.emit('reload-completed', { id: 'a' } as never)
    await vi.waitFor(() => expect(applied).toBe(1))
  })

  it('an unchanged list does nothing', async () => {
    const app = await attachedHost({ a: loggingPlugin([], 'a') })
    let applied = 0
    const same = entry('a', { activate() {} })
    applyEntryChanges({ hosts: [app.core], added: asEntry, reloadNow: () => {}, entriesApplied: () => void applied++ }, declared(same), [same])
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(applied).toBe(0)
    expect(app.events.map((e) => e.type)).toEqual(['plugin-activated'])
  })
})

describe('swappedIn', () => {
  it('resolves at the first completed reload of that plugin; with no host, at once', async () => {
    const app = await attachedHost({ a: loggingPlugin([], 'a') })
    let done = false
    void swappedIn(app.core, 'a').then(() => (done = true))
    app.core.events.emit('reload-completed', { id: 'b' } as never)
    await Promise.resolve()
    expect(done).toBe(false)
    app.core.events.emit('reload-completed', { id: 'a' } as never)
    await vi.waitFor(() => expect(done).toBe(true))
    await expect(swappedIn(undefined, 'a')).resolves.toBeUndefined()
  })
})
