import { describe, expect, it } from 'vitest'
import { createHotRegistry, type HotRegistryOptions } from '../../../src/sources/vite-hmr.js'
import { createPluginHost } from '../../../src/host/host.js'
import type { PluginHostEvents } from '../../../src/host/events.js'
import type { PluginModule } from '../../../src/host/types.js'
import { entry, fakeHot, loggingPlugin, memoryLogger, recordEvents } from '../../helpers.js'

const fetchFailure = () => new TypeError('Failed to fetch dynamically imported module: http://localhost/src/plugins/p/index.ts?t=1')

async function setup(importModule: (url: string, query: string) => Promise<PluginModule>, extra: HotRegistryOptions = {}) {
  const log: string[] = []
  const calls = { reload: 0, offered: [] as string[], sleeps: [] as number[], queries: [] as string[], prepared: 0 }
  const hot = fakeHot()
  const registry = createHotRegistry([entry('p', loggingPlugin(log, 'v1'))], hot.hot, {
    beforeToolingReload: () => void calls.prepared++,
    ...extra,
    recovery: {
      retry: { attempts: 2, initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 },
      failuresBeforeFallback: 3,
      importModule: (url, query) => {
        calls.queries.push(`${url}?${query}`)
        return importModule(url, query)
      },
      sleep: async (ms) => void calls.sleeps.push(ms),
      wallClock: (() => {
        let now = 5_000
        return () => now++
      })(),
      reloadPage: () => void calls.reload++,
      offerReload: (reason) => void calls.offered.push(reason.reason),
      ...extra.recovery,
    },
  })
  const { logger, lines } = memoryLogger()
  const host = createPluginHost({ logger })
  const events = recordEvents(host)
  await host.start(registry.entries)
  const next = <K extends keyof PluginHostEvents>(type: K) =>
    new Promise<PluginHostEvents[K]>((resolve) => {
      const off = host.on(type, (payload) => {
        off()
        resolve(payload)
      })
    })
  /** An update of `p` at Vite's `timestamp` whose import by Vite failed. */
  const failedUpdate = (timestamp: number) => {
    hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: '/src/plugins/p/index.ts', timestamp }] })
    registry.accept('p', undefined)
  }
  return { log, calls, host, events, lines, next, failedUpdate, registry, hot }
}

describe('recovery after a failed import', () => {
  it('imports again to learn the real error of code that throws, and does not retry it', async () => {
    const app = await setup(async () => {
      throw new ReferenceError('widget is not defined')
    })
    const failed = app.next('reload-failed')
    app.failedUpdate(7)
    const failure = await failed
    expect(failure.outcome).toBe('kept-old')
    expect(failure.error.message).toContain('its new code failed to load')
    expect(failure.error.message).toContain(': widget is not defined')
    expect(app.calls.queries).toEqual(['/src/plugins/p/index.ts?t=7'])
    expect(app.events.filter((e) => e.type === 'retrying')).toEqual([])
  })

  it('retries a failed fetch with backoff, then swaps', async () => {
    let attempts = 0
    const v2 = loggingPlugin([], 'v2')
    const app = await setup(async () => {
      if (attempts++ < 2) throw fetchFailure()
      return v2
    })
    const done = app.next('reload-completed')
    app.failedUpdate(9)
    expect(await done).toMatchObject({ id: 'p', stateKept: true })
    expect(app.calls.queries).toEqual([
      '/src/plugins/p/index.ts?t=9',
      '/src/plugins/p/index.ts?t=5000',
      '/src/plugins/p/index.ts?t=5001',
    ])
    expect(app.calls.sleeps).toEqual([100, 200])
    expect(app.events.filter((e) => e.type === 'retrying').map((e) => e.payload.attempt)).toEqual([1, 2])
  })

  it('gives up after the configured attempts, keeping the old version', async () => {
    const app = await setup(async () => {
      throw fetchFailure()
    })
    const failed = app.next('reload-failed')
    app.failedUpdate(3)
    expect((await failed).outcome).toBe('kept-old')
    expect(app.calls.queries).toHaveLength(3)
  })

  it('abandons retrying an update once a newer one arrived', async () => {
    let announceNewer = () => {}
    const app = await setup(
      async () => {
        throw fetchFailure()
      },
      { recovery: { sleep: async () => announceNewer() } },
    )
    // While the first update waits to retry, Vite announces a newer update of the same plugin.
    announceNewer = () => app.hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: '/src/plugins/p/index.ts', timestamp: 2 }] })
    app.failedUpdate(1)
    for (let i = 0; i < 20; i++) await Promise.resolve()
    expect(app.calls.queries).toEqual(['/src/plugins/p/index.ts?t=1'])
    expect(app.events.filter((e) => e.type === 'reload-failed')).toEqual([])
  })
})

describe('fallback after repeated failures', () => {
  const throwing = async (): Promise<PluginModule> => {
    throw new Error('broken')
  }

  it('saves state and reloads the page once when one plugin fails three times in a row', async () => {
    const app = await setup(throwing)
    for (let t = 1; t <= 4; t++) {
      const failed = app.next('reload-failed')
      app.failedUpdate(t)
      await failed
    }
    await expect.poll(() => app.calls.reload).toBe(1)
    expect(app.calls.prepared).toBe(1)
    const fallbacks = app.events.filter((e) => e.type === 'full-reload')
    expect(fallbacks).toHaveLength(1)
    expect(fallbacks[0]?.payload).toMatchObject({
      id: 'p',
      phase: 'reloading',
      failures: 3,
      reason: expect.stringContaining('plugin "p" failed to reload 3 times in a row (last: plugin "p" (src/plugins/p/index.ts): its new code failed to load'),
    })
  })

  it('starts counting again after a successful swap', async () => {
    const app = await setup(throwing)
    for (let t = 1; t <= 2; t++) {
      const failed = app.next('reload-failed')
      app.failedUpdate(t)
      await failed
    }
    const done = app.next('reload-completed')
    app.registry.accept('p', loggingPlugin([], 'v2'))
    await done
    for (let t = 3; t <= 4; t++) {
      const failed = app.next('reload-failed')
      app.failedUpdate(t)
      await failed
    }
    expect(app.calls.reload).toBe(0)
  })

  it("only offers the reload with fallback: 'hot-only'", async () => {
    const app = await setup(throwing, { recovery: { fallback: 'hot-only' } })
    for (let t = 1; t <= 3; t++) {
      const failed = app.next('reload-failed')
      app.failedUpdate(t)
      await failed
    }
    await expect.poll(() => app.calls.offered.length).toBe(1)
    expect(app.calls.reload).toBe(0)
    expect(app.events.find((e) => e.type === 'full-reload')?.payload.phase).toBe('offered')
  })

  it('says why after the reload it made', async () => {
    const reason = { id: 'p', file: 'src/plugins/p/index.ts', failures: 3, reason: 'plugin "p" failed to reload 3 times in a row' }
    const app = await setup(throwing, { reloadedBecause: reason })
    expect(app.events.find((e) => e.type === 'full-reload')?.payload).toEqual({ ...reason, phase: 'reloaded' })
    expect(app.lines.map((l) => l.message)).toContain(
      'the page was reloaded because plugin "p" failed to reload 3 times in a row; plugin state was restored',
    )
  })
})
