import { describe, expect, it } from 'vitest'
import { createEngine, type EngineOptions } from '../../src/engine/engine.js'
import { createPluginHost } from '../../src/host/host.js'
import type { PluginModule } from '../../src/host/types.js'
import { entry, fakeClock, loggingPlugin, memoryLogger, recordEvents } from '../helpers.js'
import { memorySource } from './memory-source.js'

async function setup(modules: Record<string, PluginModule>, options: EngineOptions = {}) {
  const memory = memorySource()
  const engine = createEngine(
    Object.entries(modules).map(([id, module]) => entry(id, module)),
    memory.source,
    options,
  )
  const clock = fakeClock()
  const { logger, lines } = memoryLogger()
  const host = createPluginHost({ context: {}, logger, now: clock.now })
  const events = recordEvents(host)
  await host.start(engine.entries)
  return { engine, memory, host, events, lines, clock }
}

describe('engine over an in-memory source', () => {
  it('swaps in the versions a batch brings, together, and reports the batch back to the source', async () => {
    const log: string[] = []
    const app = await setup({ a: loggingPlugin(log, 'a1'), b: loggingPlugin(log, 'b1') })
    expect(app.memory.attached).toEqual([app.host])
    log.length = 0
    app.memory.sink().announced({ batch: 1, plugins: ['a', 'b'], files: ['fa', 'fb'], timestamp: 1 })
    app.memory.sink().arrived('a', loggingPlugin(log, 'a2'))
    await Promise.resolve()
    expect(log).toEqual([])
    app.memory.sink().arrived('b', loggingPlugin(log, 'b2'))
    await expect.poll(() => app.memory.results.length).toBe(1)
    expect(app.memory.results[0]).toMatchObject({ batch: 1, plugins: [{ id: 'a', outcome: 'swapped' }, { id: 'b', outcome: 'swapped' }] })
    expect(log.filter((l) => l.includes('activate'))).toEqual(['a2.activate({})', 'b2.activate({})'])
  })

  it('a version that failed to load is imported again by its timestamp; the error is reported', async () => {
    const queries: string[] = []
    const app = await setup(
      { p: loggingPlugin([], 'v1') },
      {
        recovery: {
          importModule: async (url, query) => {
            queries.push(`${url}?${query}`)
            throw new ReferenceError('x is not defined')
          },
        },
      },
    )
    app.memory.batch(4, { p: undefined })
    await expect.poll(() => app.memory.results.length).toBe(1)
    expect(queries).toEqual(['/src/plugins/p/index.ts?t=4'])
    expect(app.memory.results[0]).toMatchObject({ batch: 4, plugins: [{ id: 'p', outcome: 'kept-old' }] })
    expect(app.host.get('p')?.error?.message).toContain('x is not defined')
  })

  it('a refused compile is reported by every host; the old code runs on', async () => {
    const app = await setup({ p: loggingPlugin([], 'v1') })
    app.memory.sink().refused({ file: 'src/plugins/p/index.ts', plugins: ['p'], message: 'Unexpected token' })
    await expect.poll(() => app.events.some((e) => e.type === 'reload-failed')).toBe(true)
    expect(app.host.get('p')?.error?.message).toContain('Unexpected token')
    expect(app.memory.results).toEqual([])
  })

  it('entry changes run in the host and are reported back to the source', async () => {
    const app = await setup({ a: loggingPlugin([], 'a') })
    app.memory.sink().entriesChanged([entry('b', loggingPlugin([], 'b'))])
    await expect.poll(() => app.memory.entriesApplied()).toBe(1)
    expect(app.host.plugins().map((p) => p.id)).toEqual(['b'])
    expect(app.engine.entries.map((e) => e.id)).toEqual(['b'])
  })

  it('reload now, from the source or the engine, imports the current file afresh', async () => {
    const imported: string[] = []
    const app = await setup({ a: loggingPlugin([], 'a1') }, { recovery: { importModule: async (url) => (imported.push(url), loggingPlugin([], 'a2')) } })
    app.memory.sink().reloadNow('a')
    await expect.poll(() => app.memory.results.length).toBe(1)
    app.engine.reloadNow('a')
    await expect.poll(() => app.memory.results.length).toBe(2)
    expect(imported).toEqual(['/src/plugins/a/index.ts', '/src/plugins/a/index.ts'])
    expect(app.host.get('a')?.reloadCount).toBe(2)
  })

  it('saves state before a reload, marking it as the tooling’s; a sink call that throws is logged, not thrown', async () => {
    let marked = 0
    const app = await setup({ a: loggingPlugin([], 'a1') }, { beforeToolingReload: () => void marked++ })
    await app.memory.sink().saveBeforeReload()
    expect(marked).toBe(1)
    expect(() => app.memory.sink().announced(null as never)).not.toThrow()
    expect(app.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['handling a hot update failed'])
  })

  it('a stopped host takes no more updates and the source stops watching it', async () => {
    const log: string[] = []
    const app = await setup({ a: loggingPlugin(log, 'a1') })
    await app.host.stop()
    expect(app.memory.attached).toEqual([])
    log.length = 0
    app.memory.sink().arrived('a', loggingPlugin(log, 'a2'))
    await Promise.resolve()
    expect(log).toEqual([])
  })
})
