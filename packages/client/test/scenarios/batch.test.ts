import { describe, expect, it } from 'vitest'
import { HotEvents } from '../../src/protocol/index.js'
import type { PluginModule } from '../../src/host/types.js'
import { createHotRegistry } from '../../src/sources/vite-hmr.js'
import { createPluginHost } from '../../src/host/host.js'
import { entry, fakeHot, loggingPlugin, memoryLogger, startHotHost } from '../helpers.js'

const announce = (app: Awaited<ReturnType<typeof startHotHost>>, batch: number, plugins: string[]) =>
  app.hot.emit(HotEvents.update, { files: plugins.map((id) => `src/plugins/${id}/index.ts`), plugins, timestamp: batch, batch })

const dependent = (log: string[], tag: string, dependsOn: string[]): PluginModule => ({ ...loggingPlugin(log, tag), meta: { dependsOn } })

describe('batches of plugin changes', () => {
  it('waits for every plugin of a batch, then swaps them at once: stop last first, start dependencies first', async () => {
    const log: string[] = []
    const app = await startHotHost([
      entry('theme', loggingPlugin(log, 'theme1')),
      entry('chart', dependent(log, 'chart1', ['theme'])),
      entry('notes', dependent(log, 'notes1', ['theme'])),
    ])
    log.length = 0
    announce(app, 1, ['chart', 'theme'])
    app.registry.accept('chart', dependent(log, 'chart2', ['theme']))
    await Promise.resolve()
    expect(log).toEqual([]) // theme's new version is not in yet
    const completed: string[] = []
    app.host.on('reload-completed', (e) => void completed.push(`${e.id}${e.via ? ` via ${e.via}` : ''} #${e.batch}`))
    const lastDone = new Promise<void>((resolve) => app.host.on('reload-completed', (e) => e.id === 'notes' && resolve()))
    app.registry.accept('theme', loggingPlugin(log, 'theme2'))
    await lastDone
    expect(log.filter((l) => !l.includes('ReloadState'))).toEqual([
      'notes1.teardown',
      'chart1.teardown',
      'theme1.teardown',
      'theme2.activate({"api":1})',
      'chart2.activate({"api":1})',
      'notes1.activate({"api":1})',
    ])
    expect(completed).toEqual(['theme #1', 'chart #1', 'notes via theme #1'])
    // Each plugin once.
    expect(app.events.filter((e) => e.type === 'reload-started').map((e) => e.payload.id)).toEqual(['theme', 'chart', 'notes'])
  })

  it('reports where the time went and how big the state handed over was', async () => {
    const app = await startHotHost([entry('a', { activate() {}, getReloadState: () => ({ text: 'abcd', n: 1 }) })])
    announce(app, 1, ['a'])
    app.clock.advance(7)
    const done = app.next('reload-completed')
    app.registry.accept('a', { activate: () => void app.clock.advance(3), setReloadState: () => void app.clock.advance(2) })
    const completed = await done
    expect(completed.phases).toEqual({ importMs: 7, teardownMs: 0, activateMs: 3, stateMs: 2 })
    expect(completed.durationMs).toBe(12)
    // 'text', 'abcd', 'n' as 2 bytes a character, 1 as 8.
    expect(completed.stateBytes).toBe(2 * (4 + 4 + 1) + 8)
    expect(app.events.find((e) => e.type === 'state-preserved')?.payload).toMatchObject({ id: 'a', stateBytes: 26, batch: 1 })
  })

  it('rolls the whole batch back when one plugin of it throws, and applies the held-back versions with the next batch', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('a', loggingPlugin(log, 'a1')), entry('b', loggingPlugin(log, 'b1'))])
    log.length = 0
    announce(app, 1, ['a', 'b'])
    const failed = app.next('reload-failed')
    app.registry.accept('a', loggingPlugin(log, 'a2'))
    app.registry.accept('b', loggingPlugin(log, 'b2', { activate: () => { throw new Error('b2 is broken') } }))
    expect(await failed).toMatchObject({ id: 'b', outcome: 'rolled-back' })
    await expect.poll(() => app.events.filter((e) => e.type === 'rolled-back').map((e) => `${e.payload.id} because ${e.payload.because}`)).toEqual([
      'a because b',
      'b because b',
    ])
    // a's new version ran, and was taken back with the batch: a1 runs again, with its state.
    expect(log).toContain('a2.activate({"api":1})')
    expect(log.slice(-4)).toEqual(['a1.activate({"api":1})', 'a1.setReloadState({"from":"a1"})', 'b1.activate({"api":1})', 'b1.setReloadState({"from":"b1"})'])
    expect(app.host.get('a')).toMatchObject({ status: 'idle', reloadCount: 0 })
    expect(app.host.get('b')).toMatchObject({ status: 'rolled-back' })
    expect(app.events.filter((e) => e.type === 'warning').map((e) => e.payload.message)).toEqual([
      'its new version waits: it came in one batch with "b", which failed; the previous version runs until the batch applies',
    ])

    // The fix of b alone brings a's held-back version along.
    log.length = 0
    announce(app, 2, ['b'])
    const done = new Promise<void>((resolve) => app.host.on('reload-completed', (e) => e.id === 'b' && resolve()))
    app.registry.accept('b', loggingPlugin(log, 'b3'))
    await done
    expect(log.filter((l) => l.includes('activate'))).toEqual(['a2.activate({"api":1})', 'b3.activate({"api":1})'])
    expect(app.host.get('a')).toMatchObject({ status: 'idle', reloadCount: 1 })
  })

  it('a plugin whose new code fails to load keeps the rest of its batch waiting, reported', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('a', loggingPlugin(log, 'a1')), entry('b', loggingPlugin(log, 'b1'))])
    log.length = 0
    announce(app, 1, ['a', 'b'])
    const failed = app.next('reload-failed')
    app.registry.accept('a', loggingPlugin(log, 'a2'))
    app.registry.accept('b', undefined)
    expect(await failed).toMatchObject({ id: 'b', outcome: 'kept-old' })
    await expect.poll(() => app.events.filter((e) => e.type === 'warning').length).toBe(1)
    expect(log).toEqual([])
    expect(app.events.find((e) => e.type === 'warning')?.payload.message).toContain('it came in one batch with "b", whose new code failed to load')
  })

  it('with reloadDependents: false, the dependents keep running through the swap', async () => {
    const log: string[] = []
    const registry = createHotRegistry(
      [entry('theme', loggingPlugin(log, 'theme1')), entry('notes', dependent(log, 'notes1', ['theme']))],
      fakeHot().hot,
      { reloadDependents: false },
    )
    const host = createPluginHost({ context: {}, logger: memoryLogger().logger })
    await host.start(registry.entries)
    log.length = 0
    const done = new Promise((resolve) => host.on('reload-completed', resolve))
    registry.accept('theme', loggingPlugin(log, 'theme2'))
    expect(await done).toMatchObject({ id: 'theme' })
    expect(log).toEqual(['theme1.getReloadState', 'theme1.teardown', 'theme2.activate({})', 'theme2.setReloadState({"from":"theme1"})'])
    expect(host.get('notes')).toMatchObject({ status: 'idle', reloadCount: 0 })
  })

  it('sends the dev server one result for the whole batch', async () => {
    const app = await startHotHost([entry('a', loggingPlugin([], 'a1')), entry('b', loggingPlugin([], 'b1'))])
    announce(app, 4, ['a', 'b'])
    app.registry.accept('a', loggingPlugin([], 'a2'))
    app.registry.accept('b', loggingPlugin([], 'b2'))
    await expect.poll(() => app.hot.sent.length).toBe(1)
    expect(app.hot.sent[0]).toMatchObject({
      event: HotEvents.result,
      data: { batch: 4, plugins: [{ id: 'a', outcome: 'swapped' }, { id: 'b', outcome: 'swapped' }] },
    })
  })
})
