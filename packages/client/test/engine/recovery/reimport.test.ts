import { describe, expect, it } from 'vitest'
import type { Arrival } from '../../../src/engine/batch-assembler.js'
import { createReimport } from '../../../src/engine/recovery/reimport.js'
import { createUpdateTracker } from '../../../src/engine/update-tracker.js'
import type { PluginModule } from '../../../src/host/types.js'

type Recover = (...args: [string, string | undefined, number | undefined, () => boolean, PluginModule?]) => Promise<{ module: PluginModule } | { error: unknown } | undefined>

function setup(recover: Recover) {
  const delivered: Arrival[] = []
  const calls: unknown[][] = []
  const tracker = createUpdateTracker([{ now: () => 3 }])
  const reimport = createReimport({
    recovery: { recover: (...args) => (calls.push(args), recover(...args)) },
    tracker,
    urlOf: (id) => `/src/plugins/${id}/index.ts`,
    deliver: (arrival) => void delivered.push(arrival),
    wallClock: () => 1_000,
  })
  return { reimport, tracker, delivered, calls }
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('reimport', () => {
  it('after a failed import: imports the version of the update again, and delivers what it got', async () => {
    const v2 = { activate() {} }
    const app = setup(async () => ({ module: v2 }))
    app.tracker.coming('p', 7)
    const update = app.tracker.take('p')
    const incomplete = {} as PluginModule
    app.reimport.afterFailedImport('p', update, incomplete)
    await settle()
    expect(app.calls[0]?.slice(0, 3)).toEqual(['p', '/src/plugins/p/index.ts', 7])
    expect(app.calls[0]?.[4]).toBe(incomplete)
    expect(app.delivered).toEqual([{ id: 'p', update, outcome: { module: v2 } }])
  })

  it('delivers the error that stopped it; nothing when recovery gave up for a newer version', async () => {
    const outcomes: ({ error: unknown } | undefined)[] = [{ error: 'boom' }, undefined]
    const app = setup(async () => outcomes.shift())
    app.tracker.coming('p', 1)
    app.reimport.afterFailedImport('p', app.tracker.take('p'), undefined)
    await settle()
    app.reimport.afterFailedImport('p', app.tracker.take('p'), undefined)
    await settle()
    expect(app.delivered.map((a) => a.outcome)).toEqual([{ error: 'boom' }])
  })

  it('drops what a stale import brought, once a newer version is on its way', async () => {
    let finish: (value: { module: PluginModule }) => void = () => {}
    const app = setup(() => new Promise((resolve) => (finish = resolve)))
    app.tracker.coming('p', 1)
    app.reimport.afterFailedImport('p', app.tracker.take('p'), undefined)
    const stillCurrent = app.calls[0]?.[3] as () => boolean
    expect(stillCurrent()).toBe(true)
    app.tracker.coming('p', 2)
    expect(stillCurrent()).toBe(false)
    finish({ module: { activate() {} } })
    await settle()
    expect(app.delivered).toEqual([])
  })

  it('reload now: a fresh update of the current file, newer than any before', async () => {
    const v = { activate() {} }
    const app = setup(async () => ({ module: v }))
    app.reimport.reloadNow('p')
    await settle()
    expect(app.calls[0]?.slice(0, 3)).toEqual(['p', '/src/plugins/p/index.ts', 1_000])
    expect(app.calls[0]?.[4]).toBeUndefined()
    expect(app.delivered[0]).toMatchObject({ id: 'p', outcome: { module: v }, update: { timestamp: 1_000 } })
    expect([...(app.delivered[0]?.update?.startedAt.values() ?? [])]).toEqual([3])
  })
})
