import { describe, expect, it, vi } from 'vitest'
import { HotEvents, type ControlCommand, type TabStatusReport } from '../../src/protocol/index.js'
import { createHotRegistry } from '../../src/sources/vite-hmr.js'
import { createPluginHost } from '../../src/host/host.js'
import type { HostCore } from '../../src/host/core.js'
import { createRemoteControl } from '../../src/sources/remote-control.js'
import type { PluginModule } from '../../src/host/types.js'
import { entry, fakeClock, fakeHot, loggingPlugin, memoryLogger } from '../helpers.js'

/** A host on a hot registry whose attach goes through the remote control, as in the browser. */
async function start(modules: Record<string, PluginModule>, tab: string | Promise<string> = 'tab-1') {
  const hot = fakeHot()
  const clock = fakeClock()
  const wall = fakeClock(1_700_000_000_000)
  const { logger, lines } = memoryLogger()
  const reloaded: string[] = []
  let core: HostCore | undefined
  // Every change reported after its microtask (the throttle has its own test).
  const remote = createRemoteControl({ hot: hot.hot, tab, reloadNow: (id) => reloaded.push(id), now: wall.now, elapsed: clock.now, reportEveryMs: 0 })
  const registry = createHotRegistry(
    Object.entries(modules).map(([id, module]) => entry(id, module)),
    hot.hot,
    {
      // As in the browser: the public host, and the host's logger.
      onAttach(attached, publicHost) {
        core = attached
        remote.attach(publicHost, attached.logger)
      },
    },
  )
  const host = createPluginHost({ logger, now: clock.now })
  await host.start(registry.entries)
  /** The status reports sent so far. */
  const reports = () => hot.sent.filter((m) => m.event === HotEvents.status).map((m) => m.data as TabStatusReport)
  const command = (data: ControlCommand) => hot.emit(HotEvents.command, data)
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0))
  return { hot, clock, wall, host, registry, remote, reports, command, reloaded, lines, settled, core }
}

describe('remote control (the tab side of the control API)', () => {
  it("sends nothing while Vite's socket is closed (a dev server restart); once it is open again, reports every plugin", async () => {
    const app = await start({ counter: loggingPlugin([], 'v1'), notes: { activate() {} } })
    await app.settled()
    const before = app.reports().length
    app.hot.emit('vite:ws:disconnect', {})
    app.host.disable('counter')
    await app.settled()
    expect(app.reports()).toHaveLength(before)
    app.hot.emit('vite:ws:connect', {})
    await app.settled()
    expect(app.reports().slice(before)).toEqual([
      expect.objectContaining({ full: true, plugins: [expect.objectContaining({ id: 'counter', hotReload: false }), expect.objectContaining({ id: 'notes' })] }),
    ])
  })

  it('reports every plugin when the host attaches, then only what changed', async () => {
    const app = await start({ counter: loggingPlugin([], 'v1'), notes: { activate() {}, meta: { version: '2.0.0' } } })
    await app.settled()
    const [first, ...later] = app.reports()
    expect(first).toEqual({
      tab: 'tab-1',
      full: true,
      sentAt: 1_700_000_000_000,
      plugins: [
        { id: 'counter', file: 'src/plugins/counter/index.ts', status: 'starting', reloadCount: 0, hotReload: true },
        { id: 'notes', file: 'src/plugins/notes/index.ts', status: 'starting', reloadCount: 0, hotReload: true },
      ],
    })
    // The activations follow, each plugin as it changed; the last word on each is `idle`.
    expect(later.every((r) => !r.full)).toBe(true)
    const latest = new Map(later.flatMap((r) => r.plugins.map((p) => [p.id, p])))
    expect(latest.get('counter')).toMatchObject({ status: 'idle' })
    expect(latest.get('notes')).toMatchObject({ status: 'idle', version: '2.0.0' })
  })

  it('reports a swap with its outcome, duration and wall-clock time, in one message', async () => {
    const app = await start({ counter: loggingPlugin([], 'v1'), notes: { activate() {} } })
    await app.settled()
    const before = app.reports().length
    app.wall.advance(5_000)
    app.registry.accept('counter', { ...loggingPlugin([], 'v2'), meta: { version: '1.1.0' } })
    await app.settled()
    const sent = app.reports().slice(before)
    // reload-started and reload-completed come in separate microtasks; the last one says it all.
    expect(sent.at(-1)).toEqual({
      tab: 'tab-1',
      full: false,
      sentAt: 1_700_000_005_000,
      plugins: [
        {
          id: 'counter',
          file: 'src/plugins/counter/index.ts',
          status: 'idle',
          version: '1.1.0',
          reloadCount: 1,
          lastReloadMs: 0,
          hotReload: true,
          lastReload: { outcome: 'swapped', durationMs: 0, at: 1_700_000_005_000 },
        },
      ],
    })
    expect(sent.flatMap((r) => r.plugins.map((p) => p.id))).not.toContain('notes')
  })

  it('reports a rolled-back reload with its error', async () => {
    const app = await start({ counter: loggingPlugin([], 'v1') })
    app.registry.accept('counter', {
      activate() {
        app.clock.advance(7)
        throw new Error('boom')
      },
    })
    await app.settled()
    expect(app.reports().at(-1)?.plugins[0]).toMatchObject({
      status: 'rolled-back',
      error: 'plugin "counter" (src/plugins/counter/index.ts): activate() threw: boom',
      // The failure says not how long it took: the remote control's own clock does.
      lastReload: { outcome: 'rolled-back', durationMs: 7, error: 'plugin "counter" (src/plugins/counter/index.ts): activate() threw: boom', running: true },
    })
  })

  it('reports a new version of a plugin that never started, failing too, as nothing of it running (not "kept the old version")', async () => {
    const broken = (word: string) => ({
      activate() {
        throw new Error(word)
      },
    })
    const app = await start({ counter: broken('at start') })
    await app.settled()
    app.registry.accept('counter', broken('still'))
    await app.settled()
    expect(app.reports().at(-1)?.plugins[0]).toMatchObject({
      status: 'failed',
      lastReload: { outcome: 'kept-old', running: false, error: 'plugin "counter" (src/plugins/counter/index.ts): activate() threw: still' },
    })
  })

  it('turns hot reload off and on as the server asks; one message per change, however many plugins', async () => {
    const app = await start({ a: { activate() {} }, b: { activate() {} }, c: { activate() {} } })
    await app.settled()
    const before = app.reports().length

    app.command({ action: 'set-hot-reload', id: 'b', enabled: false })
    expect(app.host.isHotReloadEnabled('b')).toBe(false)
    expect(app.host.get('b')?.status).toBe('disabled')
    await app.settled()
    expect(app.reports().slice(before)).toMatchObject([{ full: false, plugins: [{ id: 'b', status: 'disabled', hotReload: false }] }])

    app.command({ action: 'set-hot-reload', enabled: false })
    expect(app.host.isHotReloadEnabled()).toBe(false)
    await app.settled()
    const global = app.reports().slice(before + 1)
    expect(global).toHaveLength(1)
    expect(global[0]!.plugins.map((p) => [p.id, p.hotReload])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
    ])

    app.command({ action: 'set-hot-reload', enabled: true })
    app.command({ action: 'set-hot-reload', id: 'b', enabled: true })
    expect(app.host.isHotReloadEnabled('b')).toBe(true)
    await app.settled()
    expect(app.reports().slice(before + 2)).toHaveLength(1)
    expect(app.lines.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([
      'turning hot reload off for plugin "b", as the dev server asked',
      'turning hot reload off for every plugin, as the dev server asked',
      'turning hot reload on for every plugin, as the dev server asked',
      'turning hot reload on for plugin "b", as the dev server asked',
    ])
  })

  it('reloads a plugin it runs when the server asks, and ignores ids and commands it does not know', async () => {
    const app = await start({ counter: { activate() {} } })
    app.command({ action: 'reload', id: 'counter' })
    app.command({ action: 'reload', id: 'ghost' })
    app.command({ action: 'explode' } as unknown as ControlCommand)
    app.command(null as unknown as ControlCommand)
    expect(app.reloaded).toEqual(['counter'])
    expect(app.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'ignored an unknown command from the dev server: {"action":"explode"}',
      'ignored an unknown command from the dev server: null',
    ])
  })

  it('reports every plugin again when one that changed is gone from the host, so the server drops it', async () => {
    const app = await start({ a: { activate() {} }, b: { activate() {} } })
    await app.settled()
    const before = app.reports().length
    ;(app.core!.records as Map<string, unknown>).delete('b') // as when its entry is deleted
    app.host.disable('b')
    await app.settled()
    expect(app.reports().slice(before)).toMatchObject([{ full: true, plugins: [{ id: 'a' }] }])
    expect(app.reports().at(-1)!.plugins).toHaveLength(1)
  })

  it("goes on over the registry module's new hot context", async () => {
    const app = await start({ counter: { activate() {} } })
    const next = fakeHot()
    app.remote.connect(next.hot)
    next.emit(HotEvents.command, { action: 'reload', id: 'counter' })
    expect(app.reloaded).toEqual(['counter'])
    app.host.disable('counter')
    await app.settled()
    expect(next.sent).toMatchObject([{ event: HotEvents.status, data: { plugins: [{ id: 'counter', hotReload: false }] } }])
  })

  it('never lets a failing transport break the host', async () => {
    const app = await start({ counter: { activate() {} } })
    app.hot.hot.send = () => {
      throw new Error('socket closed')
    }
    app.host.disable('counter')
    await app.settled()
    expect(app.host.get('counter')?.status).toBe('disabled')
    expect(app.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContain('could not report the plugins to the dev server')
  })

  it('reports what changes soon after a report in one report, once reportEveryMs has passed; a lone change at once', async () => {
    const hot = fakeHot()
    const clock = fakeClock()
    const timers: { task: () => void; ms: number }[] = []
    const remote = createRemoteControl({ hot: hot.hot, tab: 'tab-1', reloadNow: () => {}, now: () => 5, elapsed: clock.now, reportEveryMs: 50, setTimer: (task, ms) => void timers.push({ task, ms }) })
    const host = createPluginHost({ logger: memoryLogger().logger })
    remote.attach(host)
    const plugin = (id: string) => ({ id, file: `src/${id}.ts`, load: async () => ({ activate() {} }) })
    await host.start([plugin('a'), plugin('b'), plugin('c')])
    await new Promise((resolve) => setTimeout(resolve, 0))
    const reports = () => hot.sent.filter((m) => m.event === HotEvents.status).map((m) => m.data as TabStatusReport)
    // The attach's report went at once; the three activations wait for one more, 50 ms after it.
    expect(reports()).toHaveLength(1)
    expect(timers.map((t) => t.ms)).toEqual([50])
    clock.advance(50)
    timers.shift()!.task()
    expect(reports()).toHaveLength(2)
    expect(reports()[1]).toMatchObject({ full: false, plugins: [{ id: 'a', status: 'idle' }, { id: 'b', status: 'idle' }, { id: 'c', status: 'idle' }] })
    // Quiet for longer than that: the next change goes at once again.
    clock.advance(500)
    host.disable('b')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(timers).toEqual([])
    expect(reports()).toHaveLength(3)
    expect(reports()[2]).toMatchObject({ full: false, plugins: [{ id: 'b', hotReload: false }] })
  })

  it('needs nothing but the public host: a host without the hot engine is reported too, its logger by default the console', async () => {
    const hot = fakeHot()
    const remote = createRemoteControl({ hot: hot.hot, tab: 'tab-1', reloadNow: () => {}, now: () => 5 })
    const host = createPluginHost({ logger: memoryLogger().logger })
    remote.attach(host)
    await host.start([{ id: 'plain', file: 'src/plain.ts', load: async () => ({ activate() {} }) }])
    // Its activation comes right after the first report: it waits for the next (REPORT_EVERY_MS).
    await expect.poll(() => hot.sent.at(-1)).toMatchObject({ event: HotEvents.status, data: { tab: 'tab-1', plugins: [{ id: 'plain', status: 'idle', hotReload: true }] } })
    const info = vi.spyOn(console, 'info').mockImplementation(() => {})
    try {
      hot.emit(HotEvents.command, { action: 'set-hot-reload', id: 'plain', enabled: false })
      expect(info).toHaveBeenCalledWith('[hot-plugins] turning hot reload off for plugin "plain", as the dev server asked')
    } finally {
      info.mockRestore()
    }
    expect(host.get('plain')?.status).toBe('disabled')
  })

  it('while the tab id is not known (a duplicated tab asking), reports nothing; then everything, under it', async () => {
    let settle!: (id: string) => void
    const app = await start({ counter: loggingPlugin([], 'v1') }, new Promise<string>((resolve) => (settle = resolve)))
    await app.settled()
    app.registry.accept('counter', loggingPlugin([], 'v2'))
    await app.settled()
    expect(app.reports()).toEqual([])
    settle('tab-2')
    await app.settled()
    expect(app.reports()).toMatchObject([{ tab: 'tab-2', full: true, plugins: [{ id: 'counter', status: 'idle', reloadCount: 1 }] }])
  })
})
