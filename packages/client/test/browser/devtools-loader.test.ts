import { describe, expect, it } from 'vitest'
import { loadDevtools, type DevtoolsModule } from '../../src/browser/devtools-loader.js'
import type { DevtoolsOptions } from '../../src/devtools/index.js'
import { createHotRegistry } from '../../src/sources/vite-hmr.js'
import { PLUGIN_HOST_EVENTS } from '../../src/host/events.js'
import { createPluginHost, type PluginHost } from '../../src/host/host.js'
import { entry, fakeClock, fakeHot, memoryLogger } from '../helpers.js'

/** A devtools module that arrives when the test says, and records what it is shown. */
function lateDevtools() {
  let arrive!: (module: DevtoolsModule) => void
  let fail!: (error: Error) => void
  const loads: number[] = []
  const shown: { host: PluginHost; options: DevtoolsOptions; events: string[] }[] = []
  const module: DevtoolsModule = {
    showDevtools(host, options) {
      const events: string[] = []
      for (const type of PLUGIN_HOST_EVENTS) host.on(type, (e) => events.push(`${type} ${e.id ?? '*'} at ${options.clock!.elapsed()}`))
      shown.push({ host: host as PluginHost, options, events })
    },
  }
  const load = () => {
    loads.push(loads.length)
    return new Promise<DevtoolsModule>((resolve, reject) => {
      arrive = resolve
      fail = reject
    })
  }
  return { load, loads, shown, arrive: () => arrive(module), fail: (error: Error) => fail(error) }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
const config = { project: 'p1' }

describe('loading the devtools on demand', () => {
  it('with overlay: false, loads nothing', () => {
    const devtools = lateDevtools()
    expect(loadDevtools({ ...config, overlay: false }, () => {}, { load: devtools.load })).toBeUndefined()
    expect(devtools.loads).toEqual([])
  })

  it('starts the import at once, not when a host attaches', () => {
    const devtools = lateDevtools()
    loadDevtools(config, () => {}, { load: devtools.load })
    expect(devtools.loads).toHaveLength(1)
  })

  it('shows a plugin that failed at start, before the module arrived, with the time it failed; then live events', async () => {
    const devtools = lateDevtools()
    const clock = fakeClock()
    const { logger } = memoryLogger()
    const reloaded: string[] = []
    const loader = loadDevtools({ ...config, overlay: { position: 'top-left', open: true } }, (id) => reloaded.push(id), {
      load: devtools.load,
      clock: { elapsed: clock.now, wall: clock.now },
      logger,
    })!
    const hot = fakeHot()
    const registry = createHotRegistry(
      [
        entry('broken', {
          activate() {
            throw new Error('no start')
          },
        }),
        entry('counter', { activate() {} }),
      ],
      hot.hot,
      { onAttach: (_core, host) => loader.attach(host) },
    )
    const host = createPluginHost({ logger, now: clock.now })
    await host.start(registry.entries)
    clock.advance(50)
    devtools.arrive()
    await flush()

    const [shown] = devtools.shown
    expect(devtools.shown).toHaveLength(1)
    expect(shown!.options).toMatchObject({ project: 'p1', overlay: { position: 'top-left', open: true } })
    expect(shown!.events).toEqual(['plugin-failed broken at 1000', 'plugin-activated counter at 1000'])
    shown!.options.reloadNow('counter')
    expect(reloaded).toEqual(['counter'])
    // Through the public host: the panel's switch is the host's own setting.
    shown!.host.disable('counter')
    expect(host.isHotReloadEnabled('counter')).toBe(false)
    expect(shown!.events.at(-1)).toBe('enabled-changed counter at 1050')
    expect(shown!.host.plugins().map((p) => [p.id, p.status])).toEqual([
      ['broken', 'failed'],
      ['counter', 'disabled'],
    ])
  })

  it('shows the first host that attaches only', async () => {
    const devtools = lateDevtools()
    const clock = fakeClock()
    const loader = loadDevtools(config, () => {}, { load: devtools.load, clock: { elapsed: clock.now, wall: clock.now } })!
    const first = createPluginHost()
    const second = createPluginHost()
    loader.attach(first)
    loader.attach(second)
    devtools.arrive()
    await flush()
    expect(devtools.shown).toHaveLength(1)
    second.disable('y')
    first.disable('x')
    expect(devtools.shown[0]!.events).toEqual(['enabled-changed x at 1000'])
  })

  it('says so when the module does not load, and the host goes on', async () => {
    const devtools = lateDevtools()
    const { logger, lines } = memoryLogger()
    const loader = loadDevtools(config, () => {}, { load: devtools.load, logger })!
    const host = createPluginHost({ logger })
    loader.attach(host)
    devtools.fail(new Error('Failed to fetch dynamically imported module'))
    await flush()
    expect(lines).toMatchObject([
      {
        level: 'warn',
        message: 'the devtools panel could not be loaded; reloads and failures still show in the console and in the host events',
        error: { message: 'Failed to fetch dynamically imported module' },
      },
    ])
    host.disable('x')
    expect(host.isHotReloadEnabled('x')).toBe(false)
  })
})
