import { describe, expect, it } from 'vitest'
import { createPluginHost } from '../../src/host/host.js'
import { PluginError } from '../../src/host/errors.js'
import type { PluginEntry, PluginModule } from '../../src/host/types.js'
import type { HostCore, HotSource } from '../../src/host/core.js'
import { HOT_SOURCE_SYMBOL_KEY } from '../../src/protocol/index.js'
import { memoryLogger, recordEvents } from '../helpers.js'

const plain = (id: string, module: PluginModule | Error): PluginEntry => ({
  id,
  file: `src/plugins/${id}/index.ts`,
  load: async () => {
    if (module instanceof Error) throw module
    return module
  },
})

describe('createPluginHost', () => {
  it('activates every plugin in order with its own context and reports them', async () => {
    const log: string[] = []
    const contexts: string[] = []
    const { logger } = memoryLogger()
    const host = createPluginHost({
      logger,
      context: ({ id, file }) => {
        contexts.push(`${id}@${file}`)
        return { panel: id }
      },
    })
    const make = (id: string): PluginModule => ({
      meta: { version: `${id}-1` },
      activate: (ctx: { panel: string }) => void log.push(`${id}:${ctx.panel}`),
    })
    const report = await host.start([plain('a', make('a')), plain('b', make('b'))])

    expect(report).toEqual({ active: ['a', 'b'], failed: [] })
    expect(log).toEqual(['a:a', 'b:b'])
    expect(contexts).toEqual(['a@src/plugins/a/index.ts', 'b@src/plugins/b/index.ts'])
    expect(host.get('a')).toMatchObject({ id: 'a', status: 'idle', version: 'a-1', reloadCount: 0 })
    expect(host.plugins().map((p) => p.id)).toEqual(['a', 'b'])
  })

  it('hands one shared context object to every plugin when given an object', async () => {
    const seen: unknown[] = []
    const context = { api: 'shared' }
    const host = createPluginHost({ context, logger: memoryLogger().logger })
    const module: PluginModule = { activate: (ctx) => void seen.push(ctx) }
    await host.start([plain('a', module), plain('b', { ...module })])
    expect(seen).toEqual([context, context])
    expect(seen[0]).toBe(seen[1])
  })

  it('keeps the host and the other plugins running when one fails to load or activate', async () => {
    const { logger, lines } = memoryLogger()
    const host = createPluginHost({ logger })
    const events = recordEvents(host)
    const activated: string[] = []
    const report = await host.start([
      plain('broken-load', new SyntaxError('Unexpected token')),
      plain('throws', {
        activate() {
          throw new Error('no panel')
        },
      }),
      plain('no-activate', {} as PluginModule),
      plain('ok', { activate: () => void activated.push('ok') }),
    ])

    expect(activated).toEqual(['ok'])
    expect(report.active).toEqual(['ok'])
    expect(report.failed.map((f) => [f.id, f.error.message])).toEqual([
      ['broken-load', 'plugin "broken-load" (src/plugins/broken-load/index.ts): its module failed to load: Unexpected token'],
      ['throws', 'plugin "throws" (src/plugins/throws/index.ts): activate() threw: no panel'],
      ['no-activate', 'plugin "no-activate" (src/plugins/no-activate/index.ts): the module has no activate() export'],
    ])
    expect(report.failed.every((f) => f.error instanceof PluginError)).toBe(true)
    expect(host.get('throws')?.status).toBe('failed')
    expect(events.filter((e) => e.type === 'plugin-failed').map((e) => e.payload.id)).toEqual([
      'broken-load',
      'throws',
      'no-activate',
    ])
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(3)
  })

  it('refuses a second plugin with the same id, naming both files', async () => {
    const host = createPluginHost({ logger: memoryLogger().logger })
    const first: PluginEntry = { id: 'dup', file: 'src/a/dup.ts', load: async () => ({ activate() {} }) }
    const second: PluginEntry = { id: 'dup', file: 'src/b/dup.ts', load: async () => ({ activate() {} }) }
    const report = await host.start([first, second])
    expect(report.active).toEqual(['dup'])
    expect(report.failed[0]?.error.message).toBe(
      'plugin "dup" (src/b/dup.ts): another plugin has the same id (src/a/dup.ts); rename a folder or set a distinct meta.id',
    )
  })

  it('awaits an async activate and its teardown, and tears down in reverse order on stop', async () => {
    const log: string[] = []
    const host = createPluginHost({ logger: memoryLogger().logger })
    const make = (id: string): PluginModule => ({
      async activate() {
        await Promise.resolve()
        log.push(`activate ${id}`)
        return async () => void log.push(`teardown ${id}`)
      },
      deactivate: () => void log.push(`deactivate ${id}`),
    })
    await host.start([plain('a', make('a')), plain('b', make('b'))])
    await host.stop()
    expect(log).toEqual(['activate a', 'activate b', 'teardown b', 'deactivate b', 'teardown a', 'deactivate a'])
    expect(host.plugins()).toEqual([])
  })

  it('warns when activate returns something that is not a teardown', async () => {
    const { logger, lines } = memoryLogger()
    const host = createPluginHost({ logger })
    await host.start([plain('odd', { activate: () => 42 as never })])
    expect(lines.map((l) => l.message)).toContain(
      'plugin "odd" (src/plugins/odd/index.ts): activate() returned a number; return a teardown function or nothing',
    )
  })

  it('activates plugins after what they depend on; reports missing dependencies and cycles; the rest runs', async () => {
    const { logger } = memoryLogger()
    const host = createPluginHost({ logger })
    const activated: string[] = []
    const make = (id: string, ...dependsOn: string[]): PluginEntry =>
      plain(id, { meta: { dependsOn }, activate: () => void activated.push(id) })
    const failing: PluginEntry = plain('theme-broken', {
      activate() {
        throw new Error('no colours')
      },
    })
    const report = await host.start([
      make('chart', 'theme'),
      make('theme'),
      make('legend', 'ghost'),
      make('a', 'b'),
      make('b', 'a'),
      failing,
      make('badge', 'theme-broken'),
      make('notes'),
    ])
    expect(activated).toEqual(['theme', 'notes', 'chart'])
    expect(Object.fromEntries(report.failed.map((f) => [f.id, f.error.message]))).toEqual({
      legend: 'plugin "legend" (src/plugins/legend/index.ts): not activated: it depends on "ghost", which is not a plugin here',
      a: 'plugin "a" (src/plugins/a/index.ts): not activated: its dependencies form a cycle: "a" → "b" → "a"',
      b: 'plugin "b" (src/plugins/b/index.ts): not activated: its dependencies form a cycle: "a" → "b" → "a"',
      'theme-broken': 'plugin "theme-broken" (src/plugins/theme-broken/index.ts): activate() threw: no colours',
      badge: 'plugin "badge" (src/plugins/badge/index.ts): not activated: it depends on "theme-broken", which failed to start',
    })
  })

  it('can be started only once', async () => {
    const host = createPluginHost({ logger: memoryLogger().logger })
    await host.start([])
    await expect(host.start([])).rejects.toThrow('host.start() was called twice')
  })

  it('logs a throwing event listener instead of breaking the host', async () => {
    const { logger, lines } = memoryLogger()
    const host = createPluginHost({ logger })
    host.on('plugin-activated', () => {
      throw new Error('listener bug')
    })
    const report = await host.start([plain('a', { activate() {} })])
    expect(report.active).toEqual(['a'])
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'a listener of "plugin-activated" threw' }))
  })

  it('shows a plugin whose hot reload is off as disabled, and announces each change of the setting', async () => {
    const host = createPluginHost({ logger: memoryLogger().logger, hotReload: false })
    const events = recordEvents(host)
    await host.start([plain('a', { activate() {} }), plain('b', { activate() {} })])
    expect(host.isHotReloadEnabled()).toBe(false)
    expect(host.get('a')?.status).toBe('disabled')
    host.setHotReloadEnabled(true)
    host.disable('b')
    expect(host.plugins().map((p) => [p.id, p.status])).toEqual([
      ['a', 'idle'],
      ['b', 'disabled'],
    ])
    expect(host.isHotReloadEnabled('a')).toBe(true)
    expect(host.isHotReloadEnabled('b')).toBe(false)
    host.enable('b')
    expect(host.get('b')?.status).toBe('idle')
    expect(events.filter((e) => e.type === 'enabled-changed').map((e) => e.payload)).toEqual([
      { id: undefined, enabled: true },
      { id: 'b', enabled: false },
      { id: 'b', enabled: true },
    ])
    await expect(host.clearState()).resolves.toBeUndefined()
  })

  it('hands a hot source linked to the plugin list its core and the public host once, and detaches it on stop', async () => {
    const attached: [HostCore, unknown][] = []
    let detached = 0
    const source: HotSource = {
      attach(core, host) {
        attached.push([core, host])
        return () => void detached++
      },
    }
    const key = Symbol.for(HOT_SOURCE_SYMBOL_KEY)
    const entries = [plain('a', { activate() {} })]
    Object.defineProperty(entries, key, { value: source })
    Object.defineProperty(entries[0], key, { value: source })
    const host = createPluginHost({ logger: memoryLogger().logger })
    await host.start(entries)
    expect(attached).toHaveLength(1)
    expect(attached[0]![1]).toBe(host)
    expect([...attached[0]![0].records.keys()]).toEqual(['a'])
    await host.stop()
    expect(detached).toBe(1)
    expect(host.plugins()).toEqual([])
  })
})
