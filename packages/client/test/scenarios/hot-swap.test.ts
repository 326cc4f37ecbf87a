import { describe, expect, it } from 'vitest'
import { HotEvents, type BatchResult } from '../../src/protocol/index.js'
import type { PluginModule } from '../../src/host/types.js'
import { createHotRegistry } from '../../src/sources/vite-hmr.js'
import { createPluginHost } from '../../src/host/host.js'
import { entry, fakeHot, loggingPlugin, memoryLogger, startHotHost } from '../helpers.js'

/** What loggingPlugin versions v1 → v2 record in a successful swap, in order. */
const SWAP_V1_TO_V2 = ['v1.getReloadState', 'v1.teardown', 'v2.activate({"api":1})', 'v2.setReloadState({"from":"v1"})']

describe('hot swap', () => {
  it('imports first, then: old getReloadState → old teardown → new activate → new setReloadState', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('counter', loggingPlugin(log, 'v1'))])
    log.length = 0

    const done = app.next('reload-completed')
    app.registry.accept('counter', loggingPlugin(log, 'v2'))
    const completed = await done

    expect(log).toEqual(SWAP_V1_TO_V2)
    expect(completed).toMatchObject({ id: 'counter', stateKept: true, reloadCount: 1 })
    expect(app.host.get('counter')).toMatchObject({ status: 'idle', reloadCount: 1 })
    expect(app.events.map((e) => e.type)).toEqual(['plugin-activated', 'reload-started', 'state-preserved', 'reload-completed'])
  })

  it('hands the exact state object over in memory (no serialisation)', async () => {
    const fn = () => 'not cloneable'
    let received: unknown
    const app = await startHotHost([
      entry('p', { activate() {}, getReloadState: () => ({ fn, when: new Date(5) }) }),
    ])
    const done = app.next('reload-completed')
    app.registry.accept('p', { activate() {}, setReloadState: (state) => void (received = state) })
    await done
    expect((received as { fn: unknown }).fn).toBe(fn)
  })

  it('swaps without state when the old version has no getReloadState', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('p', { activate: () => void log.push('v1') })])
    const done = app.next('reload-completed')
    app.registry.accept('p', loggingPlugin(log, 'v2'))
    expect(await done).toMatchObject({ stateKept: false })
    expect(log).toEqual(['v1', 'v2.activate({"api":1})'])
  })

  it('measures from the moment Vite announced the update, and reports to the dev server', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('counter', loggingPlugin(log, 'v1'))])
    app.hot.emit(HotEvents.update, { files: ['src/plugins/counter/format.ts'], plugins: ['counter'], timestamp: 1 })
    app.hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: '/src/plugins/counter/index.ts' }] })
    app.clock.advance(12) // the import of the new module

    const done = app.next('reload-completed')
    app.registry.accept('counter', loggingPlugin(log, 'v2'))
    const completed = await done

    expect(completed).toMatchObject({ durationMs: 12, files: ['src/plugins/counter/format.ts'] })
    await expect.poll(() => app.hot.sent).toEqual([
      {
        event: HotEvents.result,
        data: {
          durationMs: 12,
          plugins: [{ id: 'counter', file: 'src/plugins/counter/index.ts', outcome: 'swapped', durationMs: 12, stateKept: true }],
        },
      },
    ])
  })

  it('keeps the old instance untouched when the new module failed to load', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('counter', loggingPlugin(log, 'v1'))])
    log.length = 0
    const failed = app.next('reload-failed')
    app.registry.accept('counter', undefined)
    const failure = await failed

    expect(log).toEqual([])
    expect(failure.outcome).toBe('kept-old')
    expect(failure.error.message).toMatch(/^plugin "counter" \(src\/plugins\/counter\/index\.ts\): its new code failed to load/)
    expect(app.host.get('counter')).toMatchObject({ status: 'rolled-back' })

    // The next good version applies normally, with the state the old instance kept.
    const done = app.next('reload-completed')
    app.registry.accept('counter', loggingPlugin(log, 'v2'))
    await done
    expect(log).toEqual(SWAP_V1_TO_V2)
    expect(app.host.get('counter')).toMatchObject({ status: 'idle', error: undefined })
  })

  it('keeps the old instance when the new module has no activate export', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('p', loggingPlugin(log, 'v1'))])
    log.length = 0
    const failed = app.next('reload-failed')
    app.registry.accept('p', {} as PluginModule)
    expect((await failed).error.message).toContain('the new version has no activate() export')
    expect(log).toEqual([])
  })

  it('rolls back to the old version with its state when the new activate throws', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('p', loggingPlugin(log, 'v1'))])
    log.length = 0
    const failed = app.next('reload-failed')
    app.registry.accept(
      'p',
      loggingPlugin(log, 'v2', {
        activate() {
          log.push('v2.activate')
          throw new TypeError('boom')
        },
      }),
    )
    const failure = await failed

    expect(failure.outcome).toBe('rolled-back')
    expect(failure.error.message).toBe('plugin "p" (src/plugins/p/index.ts): activate() threw: boom')
    expect(log).toEqual([
      'v1.getReloadState',
      'v1.teardown',
      'v2.activate',
      'v1.activate({"api":1})',
      'v1.setReloadState({"from":"v1"})',
    ])
    expect(app.host.get('p')).toMatchObject({ status: 'rolled-back', reloadCount: 0 })
  })

  it('tears the new version down and rolls back when its setReloadState throws', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('p', loggingPlugin(log, 'v1'))])
    log.length = 0
    const failed = app.next('reload-failed')
    app.registry.accept(
      'p',
      loggingPlugin(log, 'v2', {
        setReloadState() {
          throw new Error('bad shape')
        },
      }),
    )
    expect((await failed).error.message).toBe('plugin "p" (src/plugins/p/index.ts): setReloadState() threw: bad shape')
    expect(log).toEqual([
      'v1.getReloadState',
      'v1.teardown',
      'v2.activate({"api":1})',
      'v2.teardown',
      'v1.activate({"api":1})',
      'v1.setReloadState({"from":"v1"})',
    ])
  })

  it('goes on without state, with a warning, when getReloadState throws', async () => {
    const log: string[] = []
    const app = await startHotHost([
      entry(
        'p',
        loggingPlugin(log, 'v1', {
          getReloadState() {
            throw new Error('cannot read')
          },
        }),
      ),
    ])
    const done = app.next('reload-completed')
    const warned = app.next('warning')
    app.registry.accept('p', loggingPlugin(log, 'v2'))
    expect(await done).toMatchObject({ stateKept: false })
    expect((await warned).message).toBe('getReloadState() threw: cannot read; the new version starts without state')
  })

  it('goes on, with a warning naming the plugin, when the old teardown throws', async () => {
    const log: string[] = []
    const app = await startHotHost([
      entry('p', {
        activate: () => () => {
          throw new Error('leaky')
        },
      }),
    ])
    const done = app.next('reload-completed')
    app.registry.accept('p', loggingPlugin(log, 'v2'))
    await done
    expect(app.lines.map((l) => l.message)).toContain(
      'plugin "p" (src/plugins/p/index.ts): its teardown threw: leaky (it may leave timers or listeners behind)',
    )
  })

  it('warns when state would be dropped because the new version has no setReloadState', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('p', loggingPlugin(log, 'v1'))])
    const warned = app.next('warning')
    app.registry.accept('p', { activate() {} })
    expect((await warned).message).toContain('the new version has no setReloadState(); its state was dropped')
  })

  it('activates a plugin that failed at start once a good version arrives', async () => {
    const log: string[] = []
    const app = await startHotHost([
      entry('p', {
        activate() {
          throw new Error('not yet')
        },
      }),
    ])
    expect(app.report.failed.map((f) => f.id)).toEqual(['p'])
    const activated = app.next('plugin-activated')
    app.registry.accept('p', loggingPlugin(log, 'v2'))
    await activated
    expect(app.host.get('p')).toMatchObject({ status: 'idle', error: undefined })
    expect(log).toEqual(['v2.activate({"api":1})'])
  })

  it('tells the dev server that a plugin that never started, failing again, is not running (no old version kept)', async () => {
    const broken = (word: string) => ({
      activate() {
        throw new Error(word)
      },
    })
    const app = await startHotHost([entry('p', broken('not yet')), entry('q', loggingPlugin([], 'v1'))])
    const results = () => app.hot.sent.filter((s) => s.event === HotEvents.result).flatMap((s) => (s.data as BatchResult).plugins)
    app.registry.accept('p', broken('still not'))
    await expect.poll(results).toEqual([expect.objectContaining({ id: 'p', outcome: 'kept-old', running: false })])
    // A plugin that runs keeps its version: it says so.
    app.registry.accept('q', undefined)
    await expect.poll(() => results().slice(1)).toEqual([expect.objectContaining({ id: 'q', outcome: 'kept-old', running: true })])
  })

  it('runs swaps one after another, in arrival order', async () => {
    const log: string[] = []
    const slow = (tag: string): PluginModule => ({
      async activate() {
        log.push(`${tag} start`)
        await new Promise((resolve) => setTimeout(resolve, 5))
        log.push(`${tag} end`)
      },
    })
    const app = await startHotHost([entry('a', { activate() {} }), entry('b', { activate() {} })])
    let completions = 0
    const both = new Promise<void>((resolve) =>
      app.host.on('reload-completed', () => {
        if (++completions === 2) resolve()
      }),
    )
    app.registry.accept('a', slow('a2'))
    app.registry.accept('b', slow('b2'))
    await both
    expect(log).toEqual(['a2 start', 'a2 end', 'b2 start', 'b2 end'])
  })

  it('swaps in only the newest of versions that queued up behind a running swap', async () => {
    let release!: () => void
    const versions: string[] = []
    const version = (tag: string, wait = false): PluginModule => ({
      async activate() {
        versions.push(tag)
        if (wait) await new Promise<void>((resolve) => (release = resolve))
      },
    })
    const app = await startHotHost([entry('p', version('v1'))])
    let completions = 0
    const last = new Promise<void>((resolve) =>
      app.host.on('reload-completed', () => {
        if (++completions === 2) resolve()
      }),
    )
    app.registry.accept('p', version('v2', true))
    await expect.poll(() => versions).toEqual(['v1', 'v2'])
    app.registry.accept('p', version('v3'))
    app.registry.accept('p', version('v4'))
    release()
    await last
    expect(versions).toEqual(['v1', 'v2', 'v4'])
    expect(app.host.get('p')?.reloadCount).toBe(2)
  })

  it('reloads the dependents of a swapped plugin: torn down last-first, started again first-first, with their state', async () => {
    const log: string[] = []
    const app = await startHotHost([
      entry('legend', loggingPlugin(log, 'legend', { meta: { dependsOn: ['chart'] } })),
      entry('chart', loggingPlugin(log, 'chart', { meta: { dependsOn: ['theme'] } })),
      entry('theme', loggingPlugin(log, 'theme')),
      entry('notes', loggingPlugin(log, 'notes')),
    ])
    expect(log.filter((l) => l.endsWith('.activate({"api":1})'))).toEqual([
      'theme.activate({"api":1})',
      'notes.activate({"api":1})',
      'chart.activate({"api":1})',
      'legend.activate({"api":1})',
    ])
    log.length = 0
    let completions = 0
    const all = new Promise<void>((resolve) =>
      app.host.on('reload-completed', () => {
        if (++completions === 3) resolve()
      }),
    )
    app.registry.accept('theme', loggingPlugin(log, 'theme2'))
    await all

    expect(log).toEqual([
      'legend.getReloadState',
      'legend.teardown',
      'chart.getReloadState',
      'chart.teardown',
      'theme.getReloadState',
      'theme.teardown',
      'theme2.activate({"api":1})',
      'theme2.setReloadState({"from":"theme"})',
      'chart.activate({"api":1})',
      'chart.setReloadState({"from":"chart"})',
      'legend.activate({"api":1})',
      'legend.setReloadState({"from":"legend"})',
    ])
    const completed = app.events.filter((e) => e.type === 'reload-completed').map((e) => [e.payload.id, e.payload.via, e.payload.stateKept])
    expect(completed).toEqual([
      ['theme', undefined, true],
      ['chart', 'theme', true],
      ['legend', 'theme', true],
    ])
  })

  it('does not swap a plugin with hot reload turned off, per plugin or globally; turned on again, the skipped save applies', async () => {
    const log: string[] = []
    const hot = fakeHot()
    const latest = loggingPlugin(log, 'a-latest')
    const registry = createHotRegistry([entry('a', loggingPlugin(log, 'a1')), entry('b', loggingPlugin(log, 'b1'))], hot.hot, {
      recovery: { importModule: async () => latest },
    })
    const host = createPluginHost({ logger: memoryLogger().logger })
    await host.start(registry.entries)
    const changes: unknown[] = []
    host.on('enabled-changed', (e) => changes.push(e))
    const next = (id: string) => new Promise<void>((resolve) => host.on('reload-completed', (e) => e.id === id && resolve()))
    log.length = 0

    host.disable('a')
    expect(host.get('a')?.status).toBe('disabled')
    expect(host.isHotReloadEnabled('a')).toBe(false)
    const bDone = next('b')
    registry.accept('a', loggingPlugin(log, 'a2'))
    registry.accept('b', loggingPlugin(log, 'b2'))
    await bDone
    expect(log.some((l) => l.startsWith('a2'))).toBe(false)

    host.setHotReloadEnabled(false)
    host.enable('a')
    expect(host.isHotReloadEnabled('a')).toBe(false)
    // On again: the save skipped while it was off applies (the plugin's current file is imported).
    const aDone = next('a')
    host.setHotReloadEnabled(true)
    await aDone
    expect(log).toContain('a-latest.activate({})')
    expect(changes).toEqual([
      { id: 'a', enabled: false },
      { id: undefined, enabled: false },
      { id: 'a', enabled: true },
      { id: undefined, enabled: true },
    ])
  })

  it('keeps the hot-reload settings across reloads through the hot source', async () => {
    let saved: unknown
    const hot = fakeHot()
    const settings = {
      load: () => ({ enabled: true, disabled: ['a'] }),
      save: (s: unknown) => void (saved = s),
      initial: { enabled: true, disabled: [] },
    }
    const registry = createHotRegistry([entry('a', { activate() {} })], hot.hot, { hotReloadSettings: settings })
    const host = createPluginHost({ logger: memoryLogger().logger })
    await host.start(registry.entries)
    expect(host.isHotReloadEnabled('a')).toBe(false)
    host.enable('a')
    expect(saved).toEqual({ enabled: true, disabled: [] })
  })

  it('ignores updates of plugins the host did not start, and never throws into Vite', async () => {
    const app = await startHotHost([entry('a', { activate() {} })])
    expect(() => app.registry.accept('unknown', { activate() {} })).not.toThrow()
    expect(() => app.hot.emit('vite:beforeUpdate', null)).not.toThrow()
    expect(app.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['handling a hot update failed'])
  })

  it('stops taking updates after host.stop()', async () => {
    const log: string[] = []
    const app = await startHotHost([entry('p', loggingPlugin(log, 'v1'))])
    await app.host.stop()
    log.length = 0
    app.registry.accept('p', loggingPlugin(log, 'v2'))
    await Promise.resolve()
    expect(log).toEqual([])
  })
})
