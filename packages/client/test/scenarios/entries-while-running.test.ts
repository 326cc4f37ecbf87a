import { describe, expect, it, vi } from 'vitest'
import { HotEvents } from '../../src/protocol/index.js'
import { entry, fakeHot, loggingPlugin, startHotHost } from '../helpers.js'
import type { PluginModule } from '../../src/host/types.js'

/** A plugin whose state is a number it keeps; `dependsOn` as given. */
function statefulPlugin(log: string[], tag: string, dependsOn: string[] = []): PluginModule {
  let value = 0
  return {
    meta: { dependsOn },
    activate() {
      log.push(`${tag}.activate`)
      return () => void log.push(`${tag}.teardown`)
    },
    getReloadState: () => ({ value }),
    setReloadState(state: { value: number }) {
      value = state.value
      log.push(`${tag}.setReloadState(${value})`)
    },
    // Lets a test change the state it has.
    deactivate: undefined,
    ...{ bump: () => void (value += 1) },
  } as PluginModule
}

describe('plugins added and removed while the app runs', () => {
  it('activates an entry that appears in a new registry version, and forgets one that disappears', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('a', loggingPlugin(log, 'a'))])
    const added = app.next('plugin-activated')
    app.registry.replaceEntries([entry('a', loggingPlugin(log, 'a')), entry('b', loggingPlugin(log, 'b'))])
    expect(await added).toMatchObject({ id: 'b' })
    expect(app.host.get('b')).toMatchObject({ status: 'idle', file: 'src/plugins/b/index.ts' })

    const removed = app.next('plugin-removed')
    app.registry.replaceEntries([entry('b', loggingPlugin(log, 'b'))])
    expect(await removed).toMatchObject({ id: 'a', stateKept: true })
    expect(app.host.get('a')).toBeUndefined()
    expect(log).toContain('a.teardown')
    expect(app.events.map((e) => e.type)).toEqual(['plugin-activated', 'plugin-added', 'plugin-activated', 'plugin-removed'])
  })

  it('tells the dev server once the new set is applied: the removed plugin torn down, the added one running', async () => {
    const log: string[] = []
    let loaded: (module: PluginModule) => void = () => {}
    const slow = new Promise<PluginModule>((resolve) => (loaded = resolve))
    const app = await startHotHost([entry('a', loggingPlugin(log, 'a'))])
    const applied = () => app.hot.sent.filter((m) => m.event === HotEvents.entriesApplied)

    app.registry.replaceEntries([entry('b', () => slow)])
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(log).toContain('a.teardown')
    expect(applied()).toEqual([]) // b is still loading: what it imports is not in yet
    const activated = app.next('plugin-activated')
    loaded(loggingPlugin(log, 'b'))
    await activated
    await vi.waitFor(() => expect(applied()).toEqual([{ event: HotEvents.entriesApplied, data: {} }]))
    expect(log.indexOf('b.activate({"api":1})')).toBeGreaterThan(log.indexOf('a.teardown'))
  })

  it('gives a plugin that comes back the state it had when its entry was deleted', async () => {
    const log: string[] = []
    const first = statefulPlugin(log, 'v1')
    const app = await startHotHost([entry('a', first)])
    ;(first as unknown as { bump(): void }).bump()
    ;(first as unknown as { bump(): void }).bump()
    const removed = app.next('plugin-removed')
    app.registry.replaceEntries([])
    await removed
    const back = app.next('plugin-activated')
    app.registry.replaceEntries([entry('a', statefulPlugin(log, 'v2'))])
    await back
    expect(log.slice(-2)).toEqual(['v2.activate', 'v2.setReloadState(2)'])
  })

  it('stops the plugins depending on a removed one, and starts them with their state when it is back', async () => {
    const log: string[] = []
    const notes = statefulPlugin(log, 'notes', ['theme'])
    const app = await startHotHost([entry('theme', statefulPlugin(log, 'theme')), entry('notes', notes)])
    ;(notes as unknown as { bump(): void }).bump()
    const removed = app.next('plugin-removed')
    app.registry.replaceEntries([entry('notes', notes)])
    await removed
    expect(app.host.get('notes')).toMatchObject({ status: 'failed' })
    expect(app.host.get('notes')?.error?.message).toContain('it depends on "theme", whose entry (src/plugins/theme/index.ts) was deleted')
    expect(log).toEqual(['theme.activate', 'notes.activate', 'notes.teardown', 'theme.teardown'])

    log.length = 0
    const notesBack = new Promise<void>((resolve) => app.host.on('plugin-activated', (e) => e.id === 'notes' && resolve()))
    app.registry.replaceEntries([entry('theme', statefulPlugin(log, 'theme2')), entry('notes', notes)])
    await notesBack
    expect(log).toEqual(['theme2.activate', 'theme2.setReloadState(0)', 'notes.activate', 'notes.setReloadState(1)'])
    expect(app.host.get('notes')).toMatchObject({ status: 'idle', error: undefined })
  })

  it('starts a plugin that was waiting for a missing dependency once that dependency is added', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('notes', statefulPlugin(log, 'notes', ['theme']))])
    expect(app.host.get('notes')).toMatchObject({ status: 'failed' })
    const started = new Promise<void>((resolve) => app.host.on('plugin-activated', (e) => e.id === 'notes' && resolve()))
    app.registry.replaceEntries([entry('notes', statefulPlugin(log, 'unused', ['theme'])), entry('theme', statefulPlugin(log, 'theme'))])
    await started
    expect(log).toEqual(['theme.activate', 'notes.activate'])
  })

  it('an added plugin that needs a plugin that is not there waits, reported by name', async () => {
    const app = await startHotHost([])
    const failed = app.next('plugin-failed')
    app.registry.replaceEntries([entry('chart', statefulPlugin([], 'chart', ['data']))])
    expect((await failed).error.message).toContain('not activated: it depends on "data", which is not a plugin here; it starts once "data" runs')
  })

  it('added plugins that wait on each other are reported as a cycle, by name; nothing loops', async () => {
    const app = await startHotHost([])
    const failures: string[] = []
    app.host.on('plugin-failed', (e) => void failures.push(e.error.message))
    app.registry.replaceEntries([entry('a', statefulPlugin([], 'a', ['b'])), entry('b', statefulPlugin([], 'b', ['a']))])
    await expect.poll(() => failures.length).toBe(2)
    expect(failures[1]).toContain('its dependencies form a cycle: "a" → "b" → "a"')
    expect(app.host.plugins().map((p) => p.status)).toEqual(['failed', 'failed'])
  })

  it('an added plugin whose import fails is reported; the others run on', async () => {
    const app = await startHotHost([entry('a', { activate() {} })])
    const failed = app.next('plugin-failed')
    app.registry.replaceEntries([entry('a', { activate() {} }), entry('broken', () => Promise.reject(new SyntaxError('Unexpected token')))])
    expect(await failed).toMatchObject({ id: 'broken' })
    expect(app.host.get('a')).toMatchObject({ status: 'idle' })
  })

  it('a moved entry (same id, another file) is the same plugin: its new file is swapped in with its state', async () => {
    const log: string[] = []
    const hot = fakeHot()
    const imported: string[] = []
    const { createHotRegistry } = await import('../../src/sources/vite-hmr.js')
    const { createPluginHost } = await import('../../src/host/host.js')
    const registry = createHotRegistry([entry('a', loggingPlugin(log, 'v1'))], hot.hot, {
      recovery: {
        importModule: async (url, query) => {
          imported.push(`${url}?${query}`)
          return loggingPlugin(log, 'moved')
        },
      },
    })
    const host = createPluginHost({ context: {}, logger: { info() {}, warn() {}, error() {} } })
    await host.start(registry.entries)
    const done = new Promise((resolve) => host.on('reload-completed', resolve))
    registry.replaceEntries([{ ...entry('a', loggingPlugin(log, 'unused')), file: 'src/plugins/b/index.ts', url: '/src/plugins/b/index.ts' }])
    // Its old files are pruned once the new version runs, not before.
    expect(hot.sent.filter((m) => m.event === HotEvents.entriesApplied)).toEqual([])
    expect(await done).toMatchObject({ id: 'a', file: 'src/plugins/b/index.ts', stateKept: true })
    await vi.waitFor(() => expect(hot.sent.filter((m) => m.event === HotEvents.entriesApplied)).toHaveLength(1))
    expect(imported).toEqual([expect.stringMatching(/^\/src\/plugins\/b\/index\.ts\?t=\d+$/)])
    expect(log.slice(-2)).toEqual(['moved.activate({})', 'moved.setReloadState({"from":"v1"})'])
  })

  it('listens on the hot context of the new registry version (Vite drops the old one’s listeners)', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('a', loggingPlugin(log, 'v1'))])
    const newer = fakeHot()
    app.registry.replaceEntries([entry('a', loggingPlugin(log, 'unused'))], newer.hot)
    newer.emit('hot-plugins:update', { files: ['src/plugins/a/index.ts'], plugins: ['a'], timestamp: 1 })
    const done = app.next('reload-completed')
    app.registry.accept('a', loggingPlugin(log, 'v2'))
    expect(await done).toMatchObject({ files: ['src/plugins/a/index.ts'] })
    await expect.poll(() => newer.sent.map((s) => s.event)).toEqual(['hot-plugins:result'])
  })
})
